import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWS_OPERATIONS, EMULATOR_ONLY, NEVER, REMOVAL, RESTORE_ONLY } from './aws-operations.js';
import { restoreOnlyViolations, srcProgram } from './restore-reachability.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const SRC = join(ROOT, 'src');
const AWS_DIR = join(SRC, 'aws');

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

/** What a file imports from @aws-sdk/*, statically or with import(): names, and the values among them. */
function sdkImports(text: string) {
  const names: { name: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/[^']+)'/g))
    for (const part of m[2]!
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean))
      names.push({
        name: part.replace(/^type\s+/, '').split(/\s+as\s+/)[0]!,
        typeOnly: Boolean(m[1]) || part.startsWith('type '),
      });
  const other = [
    ...text.matchAll(/import\s+(?!type\s*\{|\{)[^'"]*from\s*'@aws-sdk\/[^']+'/g),
    ...text.matchAll(/import\(\s*'@aws-sdk\/[^']+'\s*\)/g),
  ].map((m) => m[0]);
  return { names, other };
}

/** The operations a port file can send: its XCommand classes and its paginateX helpers. */
function operationsOf(text: string): string[] {
  const ops = new Set<string>();
  for (const { name, typeOnly } of sdkImports(text).names) {
    if (typeOnly) continue;
    const op = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
    if (op) ops.add(op);
  }
  return [...ops].sort();
}

const portFiles = filesUnder(AWS_DIR).filter((f) => /@aws-sdk\//.test(readFileSync(f, 'utf8')));
const sent = Object.fromEntries(
  portFiles.map((f) => [relative(AWS_DIR, f), operationsOf(readFileSync(f, 'utf8'))]),
);
const listed = Object.fromEntries(
  Object.entries(AWS_OPERATIONS).map(([f, ops]) => [f, Object.keys(ops).sort()]),
);
/** What can reach a real account: every port but the emulator-only ones. */
const reachesAws = Object.fromEntries(Object.entries(listed).filter(([f]) => !(f in EMULATOR_ONLY)));

describe('the AWS operations drp can send', () => {
  it('are exactly the allow-list, per port file: a new one fails until it is listed with its reason', () => {
    expect(sent).toEqual(listed);
  });

  it('have a reason each', () => {
    for (const [file, ops] of Object.entries(AWS_OPERATIONS))
      for (const [op, reason] of Object.entries(ops))
        expect(reason.length, `${file} ${op}`).toBeGreaterThan(10);
  });

  it('reach the SDK only through Command classes, paginators, clients and types: no aggregated client or waiter', () => {
    for (const file of portFiles) {
      const { names, other } = sdkImports(readFileSync(file, 'utf8'));
      expect(other, file).toEqual([]);
      const values = names.filter((n) => !n.typeOnly).map((n) => n.name);
      const unexpected = values.filter(
        (n) => !/^(\w+Command|paginate\w+|\w+Client|\w+(Exception|ServiceException))$/.test(n),
      );
      expect(unexpected, file).toEqual([]);
    }
  });

  it('are imported from @aws-sdk/* only under src/aws/', () => {
    const outside = filesUnder(SRC).filter(
      (f) =>
        !f.startsWith(AWS_DIR) && /from\s*'@aws-sdk\/|import\(\s*'@aws-sdk\//.test(readFileSync(f, 'utf8')),
    );
    expect(outside.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('include none that deletes objects, versions, buckets, keys or logs', () => {
    const destructive = Object.entries(reachesAws).flatMap(([file, ops]) =>
      ops.flatMap((op) =>
        NEVER.filter((n) => n.pattern.test(op) && (!n.port || n.port === file)).map(
          (n) => `${file} ${op}: ${n.why}`,
        ),
      ),
    );
    expect(destructive).toEqual([]);
  });

  it('include removals only of what drp itself did, marked restore-only', () => {
    const removals = Object.values(reachesAws)
      .flat()
      .filter((op) => REMOVAL.test(op));
    expect(removals.filter((op) => !RESTORE_ONLY.has(op))).toEqual([]);
  });

  const traced = (restoreOnly: ReadonlySet<string>) =>
    restoreOnlyViolations((program ??= srcProgram(ROOT)), {
      root: SRC,
      isPortFile: (path) => path.startsWith(AWS_DIR) && !(relative(AWS_DIR, path) in EMULATOR_ONLY),
      restoreOnly,
    });
  let program: ReturnType<typeof srcProgram> | undefined;

  it('emulator-only ports build every client for the emulator alone, and only drp drill imports them', () => {
    for (const file of Object.keys(EMULATOR_ONLY)) {
      const text = readFileSync(join(AWS_DIR, file), 'utf8');
      const clients = [...text.matchAll(/new (\w+Client)\(([^)]*)\)/g)];
      expect(clients.length, file).toBeGreaterThan(0);
      for (const [call, , args] of clients)
        expect(args, `${file}: ${call}`).toMatch(/^(\{ \.\.\.)?options\b/);
      expect(text, file).toMatch(/const options = emulatorOptions\(endpoint\);/);
      const importers = filesUnder(SRC).filter((f) =>
        new RegExp(`from '[./]*(aws/)?${file.replace('.ts', '.js')}'`).test(readFileSync(f, 'utf8')),
      );
      expect(
        importers.map((f) => relative(SRC, f)).filter((f) => !f.startsWith('drill/')),
        file,
      ).toEqual([]);
    }
  });

  // Builds a call graph of src/ with the TypeScript compiler: seconds of CPU, more on a shared machine.
  it('the restore-only removals are reachable from restore code alone', { timeout: 60_000 }, () => {
    expect(traced(RESTORE_ONLY)).toEqual([]);
  });

  it('the reachability check finds the way in through drp itself: were PutRolePolicy restore-only, apply would be flagged', () => {
    const [violation, ...more] = traced(new Set(['PutRolePolicy']));
    expect(more).toEqual([]);
    expect(violation!.chain).toEqual([
      expect.stringMatching(/^putRolePolicy \(aws\/iam\.ts:\d+\)$/),
      expect.stringMatching(/^apply \(steps\/iam-revoke-role-sessions\.ts:\d+\)$/),
      '(not called from restore code)',
    ]);
  });
});

describe('the checks themselves catch what they are for', () => {
  it('a Delete*Object*, DeleteBucket, DeleteAccessKey or DeleteTrail is destructive; a restore removal is not', () => {
    const never = (op: string, file = 's3.ts') =>
      NEVER.some((n) => n.pattern.test(op) && (!n.port || n.port === file));
    for (const op of [
      'DeleteObject',
      'DeleteObjects',
      'DeleteObjectTagging',
      'DeleteBucket',
      'DeleteAccessKey',
      'DeleteTrail',
      'StopLogging',
      'PutBucketLifecycleConfiguration',
      'ScheduleKeyDeletion',
    ])
      expect(never(op), op).toBe(true);
    expect(never('DeletePolicy', 'iam.ts')).toBe(true);
    for (const [op, file] of [
      ['DeletePolicy', 'organizations.ts'],
      ['DetachPolicy', 'organizations.ts'],
      ['DeleteRolePolicy', 'iam.ts'],
      ['DeleteBucketPolicy', 's3.ts'],
      ['DeletePublicAccessBlock', 's3.ts'],
    ])
      expect(never(op!, file), op).toBe(false);
    expect(REMOVAL.test('DetachPolicy') && REMOVAL.test('DeleteRolePolicy')).toBe(true);
    expect(REMOVAL.test('PutBucketPolicy')).toBe(false);
  });

  it('the import reader finds Command classes and paginators, and ignores types', () => {
    const text = [
      "import { GetRoleCommand, type GetRoleCommandOutput, IAMClient, paginateListRoles } from '@aws-sdk/client-iam';",
      "import type { Tag } from '@aws-sdk/client-s3';",
      "import { DeleteObjectCommand as Remove } from '@aws-sdk/client-s3';",
    ].join('\n');
    expect(operationsOf(text)).toEqual(['DeleteObject', 'GetRole', 'ListRoles']);
    expect(
      sdkImports("import { S3 } from '@aws-sdk/client-s3';\nconst m = await import('@aws-sdk/client-kms');")
        .other,
    ).toEqual(["import('@aws-sdk/client-kms')"]);
  });
});
