import {
  DescribeProjectsCommand,
  DescribeProjectVersionsCommand,
  DetectCustomLabelsCommand,
  DetectModerationLabelsCommand,
  RekognitionClient,
  type Image,
} from '@aws-sdk/client-rekognition';
import { isNotFound } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';
import { isNotImplementedByEndpoint, NotImplementedByEndpoint } from './unavailable.js';

/** A label Rekognition returned, as the scan records it. */
export interface DetectedLabel {
  name: string;
  /** The moderation taxonomy's parent ("Explicit Nudity" for "Nudity"); absent for top-level and custom labels. */
  parent?: string;
  confidence: number;
}

export interface Detection {
  labels: DetectedLabel[];
  /** DetectModerationLabels' ModerationModelVersion, e.g. "7.0". */
  modelVersion?: string;
  requestId?: string;
}

export interface ModelVersionStatus {
  /** RUNNING, STOPPED, STARTING, TRAINING_COMPLETED, ... (ProjectVersionStatus). */
  status: string;
  statusMessage?: string;
}

export interface RekognitionPort {
  /** Moderation labels of an image, read by Rekognition straight from S3 (nothing is downloaded). */
  detectModerationLabels(
    bucket: string,
    key: string,
    versionId: string | undefined,
    minConfidence: number,
  ): Promise<Detection>;
  /** Labels of a Custom Labels model version (it must be RUNNING), also by S3 reference. */
  detectCustomLabels(
    modelArn: string,
    bucket: string,
    key: string,
    versionId: string | undefined,
    minConfidence: number,
  ): Promise<Detection>;
  /** undefined: no such project or model version. Two reads: a version ARN does not contain its project's ARN. */
  describeModelVersion(modelArn: string): Promise<ModelVersionStatus | undefined>;
}

export function createRekognitionClient(settings: AwsSettings, readOnly: boolean): RekognitionClient {
  return instrument(new RekognitionClient(clientOptions(settings)), readOnly);
}

// S3 lists unversioned objects with the version id "null"; Rekognition wants no version for them.
const imageOf = (bucket: string, key: string, versionId: string | undefined): Image => ({
  S3Object: {
    Bucket: bucket,
    Name: key,
    ...(versionId && versionId !== 'null' ? { Version: versionId } : {}),
  },
});

/** arn:aws:rekognition:REGION:ACCOUNT:project/PROJECT/version/VERSION/CREATED */
const MODEL_VERSION_ARN = /^arn:[^:]+:rekognition:[^:]*:\d{12}:project\/([^/]+)\/version\/([^/]+)\/\d+$/;

export function createRekognitionPort(client: RekognitionClient): RekognitionPort {
  // Every call goes through here, so an endpoint without Rekognition reads as such, not as a parse error.
  const send = async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      if (isNotImplementedByEndpoint(err)) throw new NotImplementedByEndpoint('Rekognition', operation, err);
      throw err;
    }
  };
  const describe = async (modelArn: string): Promise<ModelVersionStatus | undefined> => {
    const [, project, version] = MODEL_VERSION_ARN.exec(modelArn) ?? [];
    if (!project || !version) return undefined;
    const projects = await send('DescribeProjects', () =>
      client.send(new DescribeProjectsCommand({ ProjectNames: [project] })),
    );
    const projectArn = projects.ProjectDescriptions?.find((p) => p.ProjectArn)?.ProjectArn;
    if (!projectArn) return undefined;
    const versions = await send('DescribeProjectVersions', () =>
      client.send(new DescribeProjectVersionsCommand({ ProjectArn: projectArn, VersionNames: [version] })),
    );
    const found = versions.ProjectVersionDescriptions?.find((v) => v.ProjectVersionArn === modelArn);
    if (!found) return undefined;
    return {
      status: found.Status ?? 'UNKNOWN',
      ...(found.StatusMessage ? { statusMessage: found.StatusMessage } : {}),
    };
  };

  return {
    async detectModerationLabels(bucket, key, versionId, minConfidence) {
      const out = await send('DetectModerationLabels', () =>
        client.send(
          new DetectModerationLabelsCommand({
            Image: imageOf(bucket, key, versionId),
            MinConfidence: minConfidence,
          }),
        ),
      );
      return {
        labels: (out.ModerationLabels ?? []).map((l) => ({
          name: l.Name ?? '',
          ...(l.ParentName ? { parent: l.ParentName } : {}),
          confidence: l.Confidence ?? 0,
        })),
        ...(out.ModerationModelVersion ? { modelVersion: out.ModerationModelVersion } : {}),
        ...(out.$metadata?.requestId ? { requestId: out.$metadata?.requestId } : {}),
      };
    },

    async detectCustomLabels(modelArn, bucket, key, versionId, minConfidence) {
      const out = await send('DetectCustomLabels', () =>
        client.send(
          new DetectCustomLabelsCommand({
            ProjectVersionArn: modelArn,
            Image: imageOf(bucket, key, versionId),
            MinConfidence: minConfidence,
          }),
        ),
      );
      return {
        labels: (out.CustomLabels ?? []).map((l) => ({ name: l.Name ?? '', confidence: l.Confidence ?? 0 })),
        ...(out.$metadata?.requestId ? { requestId: out.$metadata?.requestId } : {}),
      };
    },

    async describeModelVersion(modelArn) {
      try {
        return await describe(modelArn);
      } catch (err) {
        if (isNotFound(err, 'ResourceNotFoundException')) return undefined;
        throw err;
      }
    },
  };
}
