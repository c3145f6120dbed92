import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

let preloaded = false;

/**
 * Loads every kafkajs protocol module up front. kafkajs requires the module of a request type the
 * first time it sends one (a heartbeat, a leave…), often from a timer; Jest 30 refuses a `require`
 * while no test or hook is running ("outside of the scope of the test code"), which crashes a
 * consumer that first heartbeats between two tests, or after one of several concurrent tests ended.
 * Modules already loaded come from Jest's registry and pass. Call it from a hook or a test.
 */
export function preloadKafkajs(): void {
  if (preloaded) return;
  const root = join(dirname(require.resolve('kafkajs/package.json')), 'src');
  const load = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) load(path);
      else if (entry.name.endsWith('.js') && !entry.name.endsWith('.spec.js')) require(path);
    }
  };
  load(join(root, 'protocol'));
  load(join(root, 'network'));
  preloaded = true;
}
