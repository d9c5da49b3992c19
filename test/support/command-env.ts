import type { CommandEnv } from '../../src/commands/env.js';
import { silentLogger } from '../../src/log.js';
import { silentProgress } from '../../src/output/progress.js';

/** A CommandEnv for in-process command tests: output captured, answers to prompts scripted. */
export function testEnv(overrides: Partial<CommandEnv> & { answer?: boolean } = {}) {
  const said: string[] = [];
  const notices: string[] = [];
  const questions: string[] = [];
  const env: CommandEnv = {
    aws: { region: 'us-east-1' },
    output: 'text',
    log: silentLogger,
    progress: silentProgress,
    say: (t) => void said.push(t),
    notice: (t) => void notices.push(t),
    confirm: async (q) => {
      questions.push(q);
      return overrides.answer ?? false;
    },
    stdinIsTTY: false,
    ...overrides,
  };
  return { env, said, notices, questions };
}
