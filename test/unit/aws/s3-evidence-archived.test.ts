import { GetObjectCommand, InvalidObjectState, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);

describe('reading an anchored journal the archive rule moved to Glacier', () => {
  beforeEach(() => s3.reset());

  it('says it is archived and gives the restore-object command, instead of a bare InvalidObjectState', async () => {
    // What S3 answers a GetObject of a GLACIER object that has not been restored.
    s3.on(GetObjectCommand).rejects(
      new InvalidObjectState({
        $metadata: { httpStatusCode: 403 },
        message: "The operation is not valid for the object's storage class",
        StorageClass: 'GLACIER',
      }),
    );
    const read = testPorts(true).s3.getEvidenceObject('evidence', 'incidents/I/journals/J/journal.jsonl');
    await expect(read).rejects.toThrow(
      `s3://evidence/incidents/I/journals/J/journal.jsonl is archived (S3 Glacier): restore a copy first, then run again: aws s3api restore-object --bucket evidence --key incidents/I/journals/J/journal.jsonl`,
    );
  });
});
