import type { MessagingLogger } from '../lib/kafka/kafka-config';

/** One line the adapter logged. */
export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  msg: string;
  obj: object;
}

/**
 * A logger that keeps what it is told, for assertions; with `OKR_TEST_LOG=1` it also writes
 * warnings and errors to stderr as JSON, to see what kafkajs says while a test is failing.
 */
export function testLogger(): MessagingLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const echo = process.env['OKR_TEST_LOG'] === '1';
  const log = (level: LogEntry['level']) => (obj: object, msg: string) => {
    entries.push({ level, msg, obj });
    if (echo && level !== 'info') process.stderr.write(`${JSON.stringify({ level, msg, ...obj })}\n`);
  };
  return { entries, info: log('info'), warn: log('warn'), error: log('error') };
}
