import { inspect } from 'node:util';

/**
 * A secret value that does not serialise: JSON.stringify (the journal, pino), util.inspect
 * (console, error dumps) and string templates all print "[redacted]". Only `reveal()` gives the
 * value, so the one place that writes it (a 0600 file) is the one place that calls it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}
