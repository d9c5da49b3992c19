/** The journal's entry shapes. Every entry carries the chain fields; its body is flat beside them. */
export const JOURNAL_VERSION = 1;

export const ENTRY_TYPES = [
  'genesis',
  'plan',
  'intent',
  'result',
  'artefact',
  'resume',
  // Ctrl-C or SIGTERM stopped the run: the step it cut short, what that step did, what did not run.
  'interrupted',
  // drp restore's journal: closes each restore action's intent, as `result` closes a step's.
  'restore',
  'seal',
] as const;

export type EntryType = (typeof ENTRY_TYPES)[number];

export const RESERVED_FIELDS = ['v', 'journalId', 'seq', 'prev', 'type', 'time'] as const;

export interface EntryHeader {
  v: number;
  journalId: string;
  seq: number;
  prev: string;
  type: EntryType;
  /** UTC ISO-8601 with milliseconds. */
  time: string;
}

export type Entry = EntryHeader & Record<string, unknown>;

export type Outcome = 'applied' | 'nothing-to-do' | 'not-applicable' | 'failed' | 'skipped';

export interface ArtefactSource {
  /** e.g. s3://bucket/key */
  uri: string;
  versionId?: string;
  etag?: string;
}

export interface ArtefactRef {
  name: string;
  /** Relative to the evidence dir, always with forward slashes. */
  path: string;
  size: number;
  sha256: string;
  source?: ArtefactSource;
}
