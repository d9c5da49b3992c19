import { S3Client } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { createS3Port } from '../../src/aws/s3.js';
import { createIamPort } from '../../src/aws/iam.js';
import { createOrganizationsPort } from '../../src/aws/organizations.js';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { createRekognitionPort } from '../../src/aws/rekognition.js';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { createS3ControlPort } from '../../src/aws/s3control.js';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { createCloudTrailPort } from '../../src/aws/cloudtrail.js';
import type { AwsPorts } from '../../src/aws/ports.js';
import { instrument } from '../../src/aws/config.js';
import type { ArtefactRef, ArtefactSource } from '../../src/journal/entry.js';
import { NEVER_ABORTED } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { silentProgress } from '../../src/output/progress.js';
import type { StepContext } from '../../src/steps/define.js';

const clientConfig = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

/**
 * Real ports over real SDK clients, for unit tests under aws-sdk-client-mock (mockClient(S3Client)
 * intercepts every instance). `readOnly` gives the plan-phase clients with drp's read-only guard.
 */
export function testPorts(readOnly = false): AwsPorts {
  return {
    s3: createS3Port(instrument(new S3Client(clientConfig), readOnly)),
    iam: createIamPort(instrument(new IAMClient(clientConfig), readOnly)),
    organizations: createOrganizationsPort(instrument(new OrganizationsClient(clientConfig), readOnly)),
    rekognition: createRekognitionPort(instrument(new RekognitionClient(clientConfig), readOnly)),
    s3control: createS3ControlPort(instrument(new S3ControlClient(clientConfig), readOnly)),
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
  const write = async (name: string, data: string | Buffer, source?: ArtefactSource) => {
    const content = data.toString();
    const ref = {
      name,
      path: `artefacts/${name}`,
      size: Buffer.byteLength(content),
      sha256: 'test',
      content,
      ...(source ? { source } : {}),
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
          close: async (source?: ArtefactSource) => write(name, content, source),
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
    results: new Map(),
    signal: NEVER_ABORTED,
    now: () => new Date('2026-11-25T03:00:00.000Z'),
    ...overrides,
  };
  return { ctx, artefacts };
}
