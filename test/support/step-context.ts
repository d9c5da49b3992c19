import { S3Client } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { createS3Port } from '../../src/aws/s3.js';
import { createIamPort } from '../../src/aws/iam.js';
import { createCloudTrailPort } from '../../src/aws/cloudtrail.js';
import type { AwsPorts } from '../../src/aws/ports.js';
import { instrument } from '../../src/aws/config.js';
import type { ArtefactRef } from '../../src/journal/entry.js';
import { silentLogger } from '../../src/log.js';
import { silentProgress } from '../../src/output/progress.js';
import type { StepContext } from '../../src/runbook/context.js';

const clientConfig = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

/**
 * Real ports over real SDK clients, for unit tests under aws-sdk-client-mock (mockClient(S3Client)
 * intercepts every instance). `readOnly` gives the plan-phase clients with drp's read-only guard.
 */
export function testPorts(readOnly = false): AwsPorts {
  return {
    s3: createS3Port(instrument(new S3Client(clientConfig), readOnly)),
    iam: createIamPort(instrument(new IAMClient(clientConfig), readOnly)),
    // No pacing of LookupEvents in unit tests: the mock is not throttled.
    cloudtrail: createCloudTrailPort(instrument(new CloudTrailClient(clientConfig), readOnly), {
      lookupIntervalMs: 0,
    }),
  };
}

export interface MemoryArtefact extends ArtefactRef {
  content: string;
}

/** A StepContext whose artefacts stay in memory (`artefacts` lists what the step wrote). */
export function testContext(overrides: Partial<StepContext> = {}) {
  const artefacts: MemoryArtefact[] = [];
  const write = async (name: string, data: string | Buffer) => {
    const content = data.toString();
    const ref = {
      name,
      path: `artefacts/${name}`,
      size: Buffer.byteLength(content),
      sha256: 'test',
      content,
    };
    artefacts.push(ref);
    return ref;
  };
  const ctx: StepContext = {
    stepId: 'step',
    incidentId: 'INC-TEST-1',
    region: 'us-east-1',
    caller: {
      arn: 'arn:aws:sts::123456789012:assumed-role/Responder/alice',
      accountId: '123456789012',
      principalArn: 'arn:aws:iam::123456789012:role/Responder',
      roleName: 'Responder',
    },
    exemptPrincipals: ['arn:aws:iam::123456789012:role/Responder'],
    aws: testPorts(),
    artefacts: {
      write,
      stream: (name: string) => {
        let content = '';
        return {
          path: `artefacts/${name}`,
          write: async (chunk: string) => void (content += chunk),
          close: async () => write(name, content),
        };
      },
      list: () => artefacts.map((a) => ({ ...a, file: `/nonexistent/${a.path}` })),
    },
    settings: {
      concurrency: 4,
      evidenceDir: '/nonexistent',
      evidenceBucket: 'drp-evidence-123456789012-us-east-1',
    },
    log: silentLogger,
    progress: silentProgress,
    now: () => new Date('2026-11-25T03:00:00.000Z'),
    ...overrides,
  };
  return { ctx, artefacts };
}
