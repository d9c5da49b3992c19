import { bundledRunbooks, loadRunbook } from '../runbook/load.js';
import type { CommandResult } from './env.js';

/** `drp runbooks`: the bundled runbooks, their descriptions, params and steps. */
export function listRunbooks(): CommandResult {
  const runbooks = bundledRunbooks().map((name) => {
    const { runbook, path } = loadRunbook(name);
    return {
      name: runbook.name,
      path,
      description: runbook.description,
      params: runbook.params,
      steps: runbook.steps.map((s) => `${s.id} (${s.type})`),
    };
  });
  const text = runbooks
    .map((r) => {
      const params = Object.entries(r.params).map(([name, p]) => {
        const flags = [
          p.type,
          p.required ? 'required' : undefined,
          p.default !== undefined ? `default ${JSON.stringify(p.default)}` : undefined,
        ];
        return `    ${name} (${flags.filter(Boolean).join(', ')})${p.description ? `: ${p.description}` : ''}`;
      });
      return [
        `${r.name}: ${r.description}`,
        '  params:',
        ...(params.length ? params : ['    (none)']),
        '  steps:',
        ...r.steps.map((s) => `    ${s}`),
      ].join('\n');
    })
    .join('\n\n');
  return { exitCode: 0, text, json: runbooks };
}
