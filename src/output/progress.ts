/**
 * A one-line progress display on stderr for long per-object work (legal holds, copies, scans):
 * done/total, rate and ETA, redrawn at most every 200 ms, and only on a terminal so logs and CI
 * output stay clean. The ETA appears once the rate has been measured for ETA_AFTER_MS: the first
 * calls (TLS handshakes, a slow first page) would otherwise promise hours, or seconds, that are false.
 */

export const ETA_AFTER_MS = 3000;
export interface ProgressBar {
  tick(n?: number): void;
  done(): void;
}

export interface Progress {
  start(label: string, total?: number): ProgressBar;
}

const silentBar: ProgressBar = { tick: () => undefined, done: () => undefined };
export const silentProgress: Progress = { start: () => silentBar };

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

export function terminalProgress(
  stream: NodeJS.WriteStream = process.stderr,
  now = () => Date.now(),
): Progress {
  if (!stream.isTTY) return silentProgress;
  return {
    start(label, total) {
      const started = now();
      let count = 0;
      let drawn = 0;
      const draw = (final: boolean) => {
        const elapsed = (now() - started) / 1000;
        const rate = elapsed > 0 ? count / elapsed : 0;
        const of = total !== undefined ? `/${total}` : '';
        const measured = now() - started >= ETA_AFTER_MS;
        const eta =
          total !== undefined && rate > 0 && measured && !final
            ? ` eta ${formatDuration((total - count) / rate)}`
            : '';
        stream.write(`\r\x1b[2K${label}: ${count}${of} (${rate.toFixed(0)}/s)${eta}${final ? '\n' : ''}`);
      };
      return {
        tick(n = 1) {
          count += n;
          if (now() - drawn >= 200) {
            drawn = now();
            draw(false);
          }
        },
        done: () => draw(true),
      };
    },
  };
}
