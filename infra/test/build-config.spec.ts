// The projects' Nx build targets compile with SWC through build.swcrc (swc reads no tsconfig): it must
// compile as Jest does (.swcrc) and rewrite the same @okr/* aliases as TypeScript resolves, or a
// service built for `npm start` or the image would fail at its first require of a moved lib.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..', '..');
const json = (file: string) => JSON.parse(readFileSync(join(repoRoot, file), 'utf8'));

describe('build.swcrc', () => {
  const build = json('build.swcrc');
  const tests = json('.swcrc');

  it('compiles as the tests do: legacy decorators with their metadata, the same target and modules', () => {
    const { baseUrl, paths, ...jsc } = build.jsc;
    expect(jsc).toEqual(tests.jsc);
    expect(build.module).toEqual(tests.module);
    expect(build.jsc.transform).toMatchObject({ legacyDecorator: true, decoratorMetadata: true });
    expect({ baseUrl, aliases: Object.keys(paths).length }).toEqual({ baseUrl: '.', aliases: expect.any(Number) });
  });

  it("rewrites every alias of tsconfig.base.json to the compiled file of the alias's source", () => {
    const { paths } = json('tsconfig.base.json').compilerOptions as { paths: Record<string, string[]> };
    const compiled = Object.fromEntries(Object.entries(paths).map(([alias, targets]) => [alias, targets.map((t) => t.replace(/\.ts$/, '.js'))]));
    expect(build.jsc.paths).toEqual(compiled);
  });

  it('leaves tests, declarations and plain scripts out of dist/', () => {
    const excluded = (build.exclude as string[]).map((pattern) => new RegExp(pattern));
    const left = (file: string) => excluded.some((pattern) => pattern.test(file));
    expect(['a.spec.ts', 'env.d.ts', 'start.mjs', 'child.cjs', 'x.js'].filter(left)).toHaveLength(5);
    expect(['main.ts', 'app.module.ts', 'spec-reader.ts'].filter(left)).toEqual([]);
  });
});
