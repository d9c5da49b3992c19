import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import * as z from 'zod';
import { defineStep, StepFailure, type Change } from './define.js';
import { incidentPrefix, s3Uri } from './lib/preservation/layout.js';

/** One artefact now held in the evidence bucket. */
export interface Upload {
  name: string;
  path: string;
  size: number;
  sha256: string;
  location: string;
  versionId?: string;
}

const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

export default defineStep({
  type: 'preserve-bucket-state',
  summary:
    "Upload the artefacts this run has written so far (the bucket's configuration snapshot, its versions manifest) to the evidence bucket, each with a SHA-256 checksum and a legal hold",
  params: z.object({}).strict(),
  // It writes to the evidence bucket only: as the forensics account (--evidence-role-arn).
  identity: 'evidence',
  permissions: ['s3:PutObject', 's3:PutObjectLegalHold'],
  example: {},

  async plan(ctx) {
    const prefix = `${incidentPrefix(ctx.incidentId)}bucket-state/`;
    return {
      observed: { evidenceBucket: ctx.settings.evidenceBucket, prefix },
      changes: [
        {
          action: 'upload-artefacts',
          target: s3Uri(ctx.settings.evidenceBucket, prefix),
          detail: 'every artefact written before this step (snapshot, versions manifest), under legal hold',
        },
      ],
    };
  },

  async apply(ctx, _p, plan) {
    const artefacts = ctx.artefacts.list();
    if (artefacts.length === 0)
      return {
        changes: [],
        requestIds: [],
        notes: ['no artefact was written before this step: nothing to upload'],
      };
    const bucket = plan.observed.evidenceBucket;
    const folder = `${plan.observed.prefix}${stamp(ctx.now())}/`;
    const uploads: Upload[] = [];
    const requestIds: string[] = [];
    const changes = (): Change[] =>
      uploads.length
        ? [
            {
              action: 'upload-artefacts',
              target: s3Uri(bucket, folder),
              detail: uploads.map((u) => u.name).join(', '),
              count: uploads.length,
            },
          ]
        : [];
    try {
      for (const a of artefacts) {
        const key = `${folder}${basename(a.path)}`;
        // Streamed from disk (a versions manifest can be large); S3 checks the bytes against the journaled SHA-256.
        const stored = await ctx.aws.s3.putEvidenceObject(bucket, key, {
          body: () => createReadStream(a.file),
          contentLength: a.size,
          sha256: a.sha256,
        });
        if (stored.requestId) requestIds.push(stored.requestId);
        uploads.push({
          name: a.name,
          path: a.path,
          size: a.size,
          sha256: a.sha256,
          location: s3Uri(bucket, key),
          ...(stored.versionId ? { versionId: stored.versionId } : {}),
        });
      }
    } catch (err) {
      throw new StepFailure({ changes: changes(), requestIds, data: { uploads } }, { cause: err });
    }
    return { changes: changes(), requestIds, data: { uploads } };
  },
});
