import { userInfo } from 'node:os';

/** Who runs drp on this machine, for a journal's genesis: the OS user, or $USER when it has no passwd entry. */
export function currentOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
