import type { AwsSettings } from '../aws/config.js';
import type { SnsPort, TopicMessage } from '../aws/sns.js';
import { formatError } from '../errors.js';
import { logFailure, type Logger } from '../log.js';

/**
 * What the team is told (--notify-topic, issue 24 "The team"): the incident, the outcome, the
 * journal's head hash and where the report is. Built only from these fields, so no secret can
 * ride along: no param values, no AWS response bodies, no access key.
 */
export interface Notice {
  /** approved, contained, hardened, failed, evidence, deadline. */
  event: string;
  /** One line, also the email subject: "CONTAINED", "STEP FAILED: scp-deny", ... */
  outcome: string;
  incidentId: string;
  accountId: string;
  region: string;
  /** Detail lines: what is contained, what is still open, the time left. */
  lines: string[];
  journal: { path: string; head: string; entries: number };
  /** Where the report is: the command that makes it, and the anchored copy when there is one. */
  report: string;
  /** GDPR Art. 33's 72-hour deadline, when the journal knows the detection time. */
  deadline?: string;
  time: string;
}

export interface NotifyResult {
  topic: string;
  event: string;
  ok: boolean;
  messageId?: string;
  error?: string;
}

const SUBJECT_MAX = 100;

/** SNS subjects: printable ASCII, no line break, at most 100 characters. */
export function subjectOf(n: Notice): string {
  const text = `drp ${n.incidentId}: ${n.outcome}`.replace(/[^\x20-\x7e]/g, '?');
  return text.length <= SUBJECT_MAX ? text : `${text.slice(0, SUBJECT_MAX - 3)}...`;
}

function textOf(n: Notice): string {
  return [
    `${subjectOf(n)} (account ${n.accountId}, ${n.region})`,
    '',
    ...n.lines,
    '',
    ...(n.deadline ? [`GDPR Art. 33 notification deadline: ${n.deadline}`] : []),
    `Journal: ${n.journal.path} (${n.journal.entries} entries, head ${n.journal.head})`,
    `Report: ${n.report}`,
    `Sent by drp at ${n.time}.`,
  ].join('\n');
}

/**
 * One message, a body per kind of subscriber: text for email and as the default, the subject for
 * SMS, AWS Chatbot's (Amazon Q Developer in chat) custom-notification JSON for HTTPS endpoints,
 * and the notice itself as JSON for queues and functions.
 */
export function messageOf(n: Notice): TopicMessage {
  const text = textOf(n);
  const chat = {
    version: '1.0',
    source: 'custom',
    id: `${n.incidentId}-${n.event}-${n.journal.entries}`,
    content: {
      textType: 'client-markdown',
      title: subjectOf(n),
      description: [...n.lines, `Journal head \`${n.journal.head}\``, `Report: \`${n.report}\``].join('\n'),
    },
    metadata: { threadId: n.incidentId, summary: subjectOf(n) },
  };
  const json = JSON.stringify({ source: 'drp', version: 1, ...n });
  return {
    subject: subjectOf(n),
    bodies: {
      default: text,
      email: text,
      sms: subjectOf(n),
      https: JSON.stringify(chat),
      sqs: json,
      lambda: json,
    },
    groupId: n.incidentId,
  };
}

/**
 * Sends notices to every topic without holding up the run: each topic has its own queue (a FIFO
 * topic keeps the incident's order), and `settle` waits for all of them. A failed publish is a
 * result to report, never an exception: notifying must not fail containment.
 */
export class Notifier {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly results: NotifyResult[] = [];

  constructor(
    readonly topics: readonly string[],
    private readonly sns: SnsPort,
    private readonly log: Logger,
  ) {}

  send(notice: Notice): void {
    const message = messageOf(notice);
    for (const topic of this.topics) {
      const previous = this.queues.get(topic) ?? Promise.resolve();
      this.queues.set(
        topic,
        previous.then(async () => {
          try {
            const { messageId } = await this.sns.publish(topic, message);
            this.results.push({ topic, event: notice.event, ok: true, ...(messageId ? { messageId } : {}) });
          } catch (err) {
            logFailure(this.log, 'warn', { topic, event: notice.event }, err, 'notification failed');
            this.results.push({ topic, event: notice.event, ok: false, error: formatError(err) });
          }
        }),
      );
    }
  }

  /** Waits for every notice sent so far; what each publish did. */
  async settle(): Promise<NotifyResult[]> {
    await Promise.all(this.queues.values());
    return [...this.results];
  }

  /**
   * Read-only, before the plan is approved: each topic exists and is reachable, so the operator
   * learns now, not at the first milestone, that the team will not hear. Problems are notes.
   */
  async check(): Promise<string[]> {
    const notes = await Promise.all(
      this.topics.map(async (topic) => {
        try {
          const facts = await this.sns.topicFacts(topic);
          if (!facts) return [`--notify-topic ${topic}: the topic does not exist: no message will arrive`];
          return [
            ...(facts.subscriptions === 0
              ? [`--notify-topic ${topic}: the topic has no confirmed subscription`]
              : []),
            ...(facts.kmsKey
              ? [
                  `--notify-topic ${topic}: encrypted with ${facts.kmsKey}: publishing needs kms:GenerateDataKey* and kms:Decrypt on it`,
                ]
              : []),
          ];
        } catch (err) {
          return [
            `--notify-topic ${topic}: cannot check the topic (${formatError(err)}); publishing may fail`,
          ];
        }
      }),
    );
    return notes.flat();
  }
}

/** One SNS client per topic region (Publish goes to the topic's own region). */
export async function createNotifier(
  topics: readonly string[],
  aws: AwsSettings,
  log: Logger,
  writable: boolean,
): Promise<Notifier | undefined> {
  if (topics.length === 0) return undefined;
  const { createSnsClient, createSnsPort } = await import('../aws/sns.js');
  const clients = new Map<string, ReturnType<typeof createSnsClient>>();
  const clientFor = (topic: string) => {
    const region = topic.split(':')[3]!;
    if (!clients.has(region)) clients.set(region, createSnsClient(aws, region, !writable));
    return clients.get(region)!;
  };
  return new Notifier(topics, createSnsPort(clientFor), log);
}

/** The summary's lines about notifications: every failure, and what was sent. */
export function notifyLines(results: NotifyResult[]): string[] {
  if (results.length === 0) return [];
  const failed = results.filter((r) => !r.ok);
  const sent = results.length - failed.length;
  return [
    `notifications: ${sent} of ${results.length} sent`,
    ...failed.map((r) => `  NOTIFY FAILED (${r.event}) ${r.topic}: ${r.error}`),
  ];
}
