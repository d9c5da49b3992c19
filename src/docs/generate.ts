import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedDocs, ROOT } from './blocks.js';

// `npm run docs`: rewrites the generated parts of README.md, docs/ and bench/README.md from the code
// (the step registry, commander's definitions, the bundled runbooks, `drp permissions`). Run it after
// adding a step, a flag, a command or a runbook; test/unit/docs/generated.test.ts says when it is due.
// Not imported by src/cli.ts: drp itself never needs it.

const changed = generatedDocs(ROOT).filter((d) => d.generated !== d.committed);
for (const doc of changed) writeFileSync(join(ROOT, doc.file), doc.generated);
process.stdout.write(
  changed.length ? `updated: ${changed.map((d) => d.file).join(', ')}\n` : 'docs are up to date\n',
);
