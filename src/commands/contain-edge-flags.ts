import { UserError } from '../errors.js';
import type { FlagValue } from './flag-params.js';

const given = (flags: readonly FlagValue[], flag: string) =>
  flags.some((f) => f.flag === flag && !(Array.isArray(f.value) && !f.value.length));

/** --block-country is a rule of the web ACL --web-acl names: without one it would do nothing (exit 2). */
export function checkEdgeFlags(flags: readonly FlagValue[]): void {
  if (given(flags, '--block-country') && !given(flags, '--web-acl'))
    throw new UserError(
      '--block-country needs --web-acl ARN: the country block is a rule of that web ACL (drp creates no web ACL)',
    );
}
