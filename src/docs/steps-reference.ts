import type { AnyStep } from '../steps/define.js';
import { registry } from '../steps/index.js';
import { blocks, bullet, code, fence, paragraph, text, yaml } from './markdown.js';
import { paramDocs, paramLine } from './params.js';

// docs/steps.md's reference: every registered step, from its declaration alone. Links are relative
// to docs/, where it goes.

const actions = (list: readonly string[]) => list.map(code).join(', ');

/** The step's example as a runbook author writes it: one entry of `steps:`, id after its type. */
export function exampleYaml(step: AnyStep): string {
  const entry: Record<string, unknown> = { id: step.type, type: step.type };
  if (Object.keys(step.example as object).length) entry.with = step.example;
  return yaml([entry]);
}

function stepSection(step: AnyStep, hasDetails: boolean): string {
  const params = paramDocs(step.params);
  const restore = step.restore
    ? paragraph(
        `Restore (${code('drp restore')}, see [restore-and-resume.md](restore-and-resume.md)): ` +
          `${actions(step.restore.permissions)}.` +
          (step.restore.runsBefore?.length
            ? ` Put back before ${step.restore.runsBefore.map(code).join(', ')}.`
            : ''),
      )
    : paragraph(`Restore: none (${code('drp restore')} says "nothing to restore").`);
  return blocks(
    `### ${step.type}`,
    paragraph(text(step.summary) + '.'),
    params.length
      ? `Params (${code('with:')}):\n\n${params.map((p) => bullet(paramLine(p))).join('\n')}`
      : `Params: none.`,
    paragraph(`Permissions: ${actions(step.permissions)}.`),
    paragraph(
      `Acts as: ${code(step.identity ?? 'target')} ([multi-account.md](multi-account.md#the-four-identities)).` +
        Object.entries(step.alsoActsAs ?? {})
          .map(([identity, list]) => ` Also as ${code(identity)}: ${actions(list)}.`)
          .join(''),
    ),
    restore,
    `Example:\n\n${fence('yaml', exampleYaml(step))}`,
    hasDetails && `More: [details](#${detailsAnchor(step.type)}).`,
  );
}

/** The hand-written section on a step, when the file has one: `### Details: <type>`. */
export const detailsHeading = (type: string) => `### Details: ${type}`;
const detailsAnchor = (type: string) => `details-${type}`;

/**
 * `page` is the file the reference goes into: a step with a hand-written details section there
 * gets a link to it.
 */
export function stepsReference(page = '', steps: readonly AnyStep[] = registry): string {
  const hasDetails = (type: string) => page.split('\n').includes(detailsHeading(type));
  return blocks(
    '## Every step',
    paragraph(
      `In the order of the registry (${code('src/steps/index.ts')}); the ${code('type')} of a runbook step. ` +
        `Params are the step's ${code('with:')} block; permissions are the IAM actions the step may call, ` +
        `which ${code('drp permissions')} adds up.`,
    ),
    steps.map((s) => bullet(`[${code(s.type)}](#${s.type}): ${text(s.summary)}`)).join('\n'),
    ...steps.map((s) => stepSection(s, hasDetails(s.type))),
  );
}
