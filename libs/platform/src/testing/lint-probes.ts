import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../../../..');

/** A source linted as if it were the file at `filePath` (relative to the workspace root). */
export interface LintProbe {
  filePath: string;
  code: string;
}

/**
 * Lints each probe with the workspace's own ESLint config, in a child process (ESLint loads its flat
 * config with a dynamic import, which Jest's module sandbox refuses), and returns, per probe, the
 * messages of the rules named as `ruleId: message`. Proves a lint rule sees what it must refuse.
 */
export function lintProbes(probes: LintProbe[], ruleIds: string[]): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    const { probes, ruleIds } = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    const eslint = new ESLint({ cwd: process.cwd() });
    (async () => {
      const out = [];
      for (const { filePath, code } of probes) {
        const [result] = await eslint.lintText(code, { filePath });
        out.push(result.messages.filter((m) => ruleIds.includes(m.ruleId)).map((m) => m.ruleId + ': ' + m.message));
      }
      process.stdout.write('\\n@@lint-result@@' + JSON.stringify(out));
    })().catch((error) => { process.stderr.write(String(error && error.stack)); process.exit(1); });`;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: root, input: JSON.stringify({ probes, ruleIds }), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`eslint failed: ${run.stderr}`);
  // ESLint's Nx plugin may print warnings on stdout before the result.
  const marker = run.stdout.lastIndexOf('@@lint-result@@');
  if (marker < 0) throw new Error(`no lint result in: ${run.stdout}`);
  return JSON.parse(run.stdout.slice(marker + '@@lint-result@@'.length)) as string[][];
}
