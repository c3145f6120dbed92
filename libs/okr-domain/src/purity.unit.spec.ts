import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../../..');

/**
 * Lints each source as if it were a file of the domain, in a child process (ESLint loads its flat
 * config with a dynamic import, which Jest's module sandbox refuses). Returns the no-restricted-imports
 * messages per source.
 */
function restrictedImports(sources: string[]): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    const sources = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    const eslint = new ESLint({ cwd: process.cwd() });
    (async () => {
      const out = [];
      for (const code of sources) {
        const [result] = await eslint.lintText(code, { filePath: 'libs/okr-domain/src/lib/shared/probe.ts' });
        out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
      }
      process.stdout.write('\\n@@lint-result@@' + JSON.stringify(out));
    })().catch((error) => { process.stderr.write(String(error && error.stack)); process.exit(1); });`;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: root, input: JSON.stringify(sources), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`eslint failed: ${run.stderr}`);
  // ESLint's Nx plugin may print warnings on stdout before the result.
  const marker = run.stdout.lastIndexOf('@@lint-result@@');
  if (marker < 0) throw new Error(`no lint result in: ${run.stdout}`);
  return JSON.parse(run.stdout.slice(marker + '@@lint-result@@'.length)) as string[][];
}

/** The workspace's lint rules keep the domain pure; this proves they see what they must refuse. */
describe('the domain may not import I/O', () => {
  it('refuses Node built-ins, with or without the node: prefix, and allows its own modules', () => {
    const [nodeFs, crypto, http, own] = restrictedImports([
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      "import { createHash } from 'crypto';\nexport const x = createHash;\n",
      "import * as http from 'http';\nexport const x = http;\n",
      "import { ruleBroken } from './errors';\nexport const x = ruleBroken;\n",
    ]);
    for (const refused of [nodeFs, crypto, http]) expect(refused).toEqual([expect.stringContaining('The domain is pure')]);
    expect(own).toEqual([]);
  }, 60_000);
});
