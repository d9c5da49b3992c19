// Import rules for src/ (GUIDE.md, "The house"): layers run one way, nothing imports in a circle,
// only src/aws talks to the AWS SDK. `npm run lint` runs it on the TypeScript sources, so it needs no
// build. test/unit/lint/dependency-rules.test.ts shows each rule failing on a fixture that breaks it.

/**
 * Highest first. A module may import its own layer's files and any layer below; never a layer above,
 * and never a peer on its own row (drill and restore, journal and aws, know nothing of each other).
 */
const LAYERS = [
  { cli: '^src/(cli[.]ts|cli/)' },
  { commands: '^src/(commands/|output/render[.]ts)' },
  { drill: '^src/drill/', restore: '^src/restore/', preflight: '^src/preflight/' },
  { report: '^src/report/' },
  { runbook: '^src/runbook/' },
  { steps: '^src/steps/' },
  { journal: '^src/journal/', aws: '^src/aws/', emulator: '^src/emulator/' },
  // The ground floor: src/*.ts (errors, log, names, since, ...), progress and table output.
  { ground: '^src/((?!cli[.]ts)[^/]+[.]ts|output/(progress|table)[.]ts)$' },
];

const layerRules = LAYERS.flatMap((row, rank) =>
  Object.entries(row).flatMap(([name, path]) => {
    const above = LAYERS.slice(0, rank).flatMap(Object.values);
    const peers = Object.entries(row)
      .filter(([peer]) => peer !== name)
      .map(([, p]) => p);
    return [
      ...(above.length
        ? [
            {
              name: `${name}-not-upward`,
              comment: `${name} imports nothing above it (cli -> commands -> drill, restore -> report -> runbook -> steps -> journal, aws -> ground)`,
              severity: 'error',
              from: { path },
              to: { path: above },
            },
          ]
        : []),
      ...(peers.length
        ? [
            {
              name: `${name}-not-sideways`,
              comment: `${name} does not import its peers on the same layer`,
              severity: 'error',
              from: { path },
              to: { path: peers },
            },
          ]
        : []),
    ];
  }),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      comment:
        'no import cycle, type-only imports included; the one allowed is a step and its own restore file (one declaration in two files: the step attaches the restore, the restore reads the types of what the step observed); step-files-alone and restore-files-alone keep cycles among src/steps/*.ts to those pairs',
      severity: 'error',
      from: { pathNot: '^src/steps/[^/]+[.]ts$' },
      to: { circular: true },
    },
    {
      name: 'step-files-alone',
      comment:
        'a step file imports the step contract (define.ts), its own <type>.restore.ts and src/steps/lib, never another step',
      severity: 'error',
      from: { path: '^src/steps/([^/.]+)[.]ts$', pathNot: '^src/steps/index[.]ts$' },
      to: {
        path: '^src/steps/[^/]+[.]ts$',
        pathNot: ['^src/steps/define[.]ts$', '^src/steps/$1[.]restore[.]ts$'],
      },
    },
    {
      name: 'restore-files-alone',
      comment:
        'a <type>.restore.ts imports define.ts, its own step file and src/steps/lib, never another step',
      severity: 'error',
      from: { path: '^src/steps/([^/.]+)[.]restore[.]ts$' },
      to: { path: '^src/steps/[^/]+[.]ts$', pathNot: ['^src/steps/define[.]ts$', '^src/steps/$1[.]ts$'] },
    },
    {
      name: 'aws-sdk-only-in-src-aws',
      comment: 'steps see ports, not SDK clients: only src/aws imports @aws-sdk/*',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/aws/' },
      to: { path: '(^|/)node_modules/@aws-sdk/' },
    },
    {
      name: 'steps-lib-not-steps',
      comment: 'src/steps/lib holds what steps share: it imports the step contract (define.ts), never a step',
      severity: 'error',
      from: { path: '^src/steps/lib/' },
      to: { path: '^src/steps/[^/]+[.]ts$', pathNot: '^src/steps/define[.]ts$' },
    },
    {
      name: 'no-unresolvable',
      comment: 'an import that resolves to nothing is a typo the rules above would not see',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // `import type` counts: a type two layers share lives in the lower one.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
    },
  },
};
