// Preloaded with `node --import` into a process under test: at exit, writes the process's peak
// resident set size (kilobytes) to $DRP_MAX_RSS_FILE, so a test can bound memory, not time.
import { writeFileSync } from 'node:fs';
import process from 'node:process';

process.on('exit', () => {
  if (process.env.DRP_MAX_RSS_FILE)
    writeFileSync(process.env.DRP_MAX_RSS_FILE, String(process.resourceUsage().maxRSS));
});
