import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { breakingChanges } from '../lib/compatibility';
import type { JsonSchema } from '../lib/json-schema';
import { EVENT_SCHEMAS_DIR } from '../lib/schema-names';
import { committedSchemaFiles } from './event-contract-files';

const root = resolve(__dirname, '../../../..');
const git = (...args: string[]): string => execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/**
 * The committed schemas are the contract: every version of a schema file ever committed must be
 * readable by today's file (events written under it are in the log forever). The drift test keeps the
 * files equal to the types; this keeps the files from changing incompatibly across commits, which
 * `npm run schemas:generate` refuses too but a hand edit or a forced write would not.
 */
describe('compatibility gate over the history of the committed schemas', () => {
  const shallow = git('rev-parse', '--is-shallow-repository').trim() === 'true';

  // A shallow clone cannot tell what was committed before: `.ci/run` fetches the whole history first,
  // and a clone that still has none says so (skipped) instead of passing a gate it could not run.
  if (shallow) process.stderr.write('compatibility gate skipped: a shallow clone has no earlier commits of the schemas (git fetch --unshallow)\n');

  (shallow ? it.skip : it)('finds no committed schema made incompatible with an earlier commit of itself', () => {
    const current = committedSchemaFiles(root);
    const log = git('log', '--format=commit %H', '--name-only', '--diff-filter=AM', '--', EVENT_SCHEMAS_DIR);
    const problems: string[] = [];
    let commit = '';
    for (const line of log.split('\n')) {
      if (line.startsWith('commit ')) commit = line.slice('commit '.length);
      else if (line.trim() && current.has(line.trim())) {
        const file = line.trim();
        const before = JSON.parse(git('show', `${commit}:${file}`)) as JsonSchema;
        for (const change of breakingChanges(before, JSON.parse(current.get(file) as string) as JsonSchema)) {
          problems.push(`${file} (as of ${commit.slice(0, 8)})${change.path ? ` at ${change.path}` : ''}: ${change.reason}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
