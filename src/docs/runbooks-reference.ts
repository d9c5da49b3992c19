import { bundledRunbooks, loadRunbook } from '../runbook/load.js';
import type { Runbook } from '../runbook/schema.js';
import { blocks, bullet, code, paragraph, text, wrap } from './markdown.js';

// The bundled runbooks (runbooks/*.yaml), as `drp runbooks` lists them, for docs/steps.md.

function paramLine(name: string, spec: Runbook['params'][string]): string {
  const status = spec.required
    ? 'required'
    : spec.default !== undefined
      ? `default ${code(JSON.stringify(spec.default))}`
      : 'optional';
  const description = spec.description ? ` ${text(spec.description.replace(/\.?$/, '.'))}` : '';
  return bullet(`${code(name)}: ${spec.type}, ${status}.${description}`);
}

function stepLine(step: Runbook['steps'][number], index: number): string {
  const extras = [
    step.onError === 'continue' ? `${code('onError: continue')}` : undefined,
    step.description ? text(step.description) : undefined,
  ].filter(Boolean);
  const line = `${code(step.id)}: [${code(step.type)}](#${step.type})${extras.length ? `; ${extras.join('; ')}` : ''}`;
  const number = `${index + 1}. `;
  return wrap(line, number, ' '.repeat(number.length)).join('\n');
}

function runbookSection(name: string): string {
  const { runbook } = loadRunbook(name);
  const file = `runbooks/${name}.yaml`;
  const params = Object.entries(runbook.params);
  return blocks(
    `### Runbook ${runbook.name}`,
    paragraph(`${text(runbook.description)}. File: [${code(file)}](../${file}).`),
    params.length
      ? `Params:\n\n${params.map(([n, spec]) => paramLine(n, spec)).join('\n')}`
      : 'Params: none.',
    `Steps, in order:\n\n${runbook.steps.map(stepLine).join('\n')}`,
  );
}

export function runbooksReference(): string {
  return blocks(
    '## Bundled runbooks',
    paragraph(
      `${code('drp runbooks')} lists them; a ${code('<runbook>')} argument takes a bundled name or a file path. ` +
        `${code('drp permissions NAME')} prints the IAM policy each needs.`,
    ),
    ...bundledRunbooks().map(runbookSection),
  );
}
