import { createHash } from 'node:crypto';
import { GetTopicAttributesCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { isNotFound } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';

/** What `drp --notify-topic` needs of a topic before it relies on it. */
export interface TopicFacts {
  /** KmsMasterKeyId: the publisher then needs kms:GenerateDataKey* and kms:Decrypt on that key. */
  kmsKey?: string;
  subscriptions?: number;
}

/** One message, a text per kind of subscriber (SNS MessageStructure json). */
export interface TopicMessage {
  /** At most 100 printable ASCII characters (SNS's limit for the email subject). */
  subject: string;
  /** Per protocol: `default` is required; email, sms, https, sqs, lambda, ... may differ. */
  bodies: { default: string } & Record<string, string>;
  /** For a FIFO topic: the incident's messages stay in order in one group. */
  groupId: string;
}

export interface SnsPort {
  /** undefined when the topic does not exist (NotFound). */
  topicFacts(topicArn: string): Promise<TopicFacts | undefined>;
  publish(topicArn: string, message: TopicMessage): Promise<{ messageId?: string }>;
}

/**
 * Publishing is never on containment's critical path: fewer attempts than the run's clients, so an
 * unreachable SNS endpoint costs seconds, not the minutes eight adaptive retries could take.
 */
export function createSnsClient(settings: AwsSettings, topicRegion: string, readOnly: boolean): SNSClient {
  const options = clientOptions({ ...settings, region: topicRegion });
  return instrument(new SNSClient({ ...options, maxAttempts: 3 }), readOnly);
}

const isFifo = (topicArn: string) => topicArn.endsWith('.fifo');

export function createSnsPort(clientFor: (topicArn: string) => SNSClient): SnsPort {
  return {
    async topicFacts(topicArn) {
      try {
        const out = await clientFor(topicArn).send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
        const a = out.Attributes ?? {};
        const subscriptions = Number(a.SubscriptionsConfirmed);
        return {
          ...(a.KmsMasterKeyId ? { kmsKey: a.KmsMasterKeyId } : {}),
          ...(Number.isFinite(subscriptions) ? { subscriptions } : {}),
        };
      } catch (err) {
        if (isNotFound(err, 'NotFound', 'NotFoundException')) return undefined;
        throw err;
      }
    },

    async publish(topicArn, message) {
      const body = JSON.stringify(message.bodies);
      const out = await clientFor(topicArn).send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: message.subject,
          MessageStructure: 'json',
          Message: body,
          // A FIFO topic requires a group, and a deduplication id unless content-based
          // deduplication is on: the message's own hash makes a retried publish a duplicate.
          ...(isFifo(topicArn)
            ? {
                MessageGroupId: message.groupId,
                MessageDeduplicationId: createHash('sha256').update(body).digest('hex'),
              }
            : {}),
        }),
      );
      return out.MessageId ? { messageId: out.MessageId } : {};
    },
  };
}
