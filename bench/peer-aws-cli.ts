import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The other peer: the wiki page of AWS CLI commands, run one at a time. One listing call, then one
 * `aws s3api` process per version (per log file) for the first `n`; the rate is extrapolated.
 * Asynchronous only so that a fake S3 in the same process can answer.
 */
export interface AwsCliOptions {
  endpoint: string;
  env: NodeJS.ProcessEnv;
  n: number;
}

export const awsCliInstalled = () => spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;

async function aws(args: string[], o: AwsCliOptions): Promise<string> {
  const { stdout } = await run('aws', ['--endpoint-url', o.endpoint, '--output', 'json', ...args], {
    env: o.env,
  });
  return stdout;
}

/** Seconds for one listing plus n calls, one after another. */
async function timed(list: () => Promise<string[][]>, call: (item: string[]) => Promise<unknown>) {
  const started = performance.now();
  const items = await list();
  for (const item of items) await call(item);
  return { count: items.length, seconds: (performance.now() - started) / 1000 };
}

export function awsCliHolds(o: AwsCliOptions, bucket: string) {
  return timed(
    async () => {
      const out = JSON.parse(
        await aws(['s3api', 'list-object-versions', '--bucket', bucket, '--max-items', String(o.n)], o),
      ) as { Versions?: { Key: string; VersionId: string }[] };
      return (out.Versions ?? []).map((v) => [v.Key, v.VersionId]);
    },
    ([key, versionId]) =>
      aws(
        [
          's3api',
          'put-object-legal-hold',
          '--bucket',
          bucket,
          '--key',
          key!,
          '--version-id',
          versionId!,
        ].concat(['--legal-hold', 'Status=ON']),
        o,
      ),
  );
}

export function awsCliCopies(o: AwsCliOptions, bucket: string, prefix: string, to: string) {
  return timed(
    async () => {
      const out = JSON.parse(
        await aws(
          ['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', prefix, '--max-items', String(o.n)],
          o,
        ),
      ) as { Contents?: { Key: string }[] };
      return (out.Contents ?? []).map((c) => [c.Key]);
    },
    ([key]) =>
      aws(
        [
          's3api',
          'copy-object',
          '--bucket',
          to,
          '--key',
          `incidents/bench/${key}`,
          '--copy-source',
          `${bucket}/${key}`,
        ],
        o,
      ),
  );
}
