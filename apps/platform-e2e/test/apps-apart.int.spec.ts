import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { lintProbes } from '@okr/platform/testing';

const root = join(__dirname, '../../..');

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sources(path);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(entry.name) ? [path] : [];
  });
}

const importGoals = {
  alias: "import { GoalsModule } from '@okr/goals-app';\nexport const x = GoalsModule;\n",
  relative: (depth: number) => `import { GoalsModule } from '${'../'.repeat(depth)}goals/src/app.module';\nexport const x = GoalsModule;\n`,
};

/** The workspace's lint keeps apps apart: only the end-to-end projects may import an app, and only by its alias. */
describe('apps never import other apps', () => {
  it('refuses an app importing another, by alias or by path, from its sources or its tests', () => {
    const [srcAlias, testPath, supportPath, e2eAlias, e2ePath] = lintProbes(
      [
        { filePath: 'apps/insights/src/probe.ts', code: importGoals.alias },
        { filePath: 'apps/insights/test/probe.int.spec.ts', code: importGoals.relative(2) },
        { filePath: 'apps/notifications/test/support/probe.ts', code: importGoals.relative(3) },
        { filePath: 'apps/insights-e2e/test/probe.int.spec.ts', code: importGoals.alias },
        { filePath: 'apps/insights-e2e/test/probe-path.int.spec.ts', code: importGoals.relative(2) },
      ],
      '@nx/enforce-module-boundaries',
    );
    expect(srcAlias).toEqual([expect.stringContaining('Imports of apps are forbidden')]);
    for (const refused of [testPath, supportPath, e2ePath]) expect(refused).toEqual([expect.stringContaining('cannot be imported by a relative or absolute path')]);
    expect(e2eAlias).toEqual([]);
  }, 120_000);

  it('is not switched off in any file of the apps', () => {
    const switchedOff = sources(join(root, 'apps'))
      .filter((file) => /eslint-disable[^\n]*@nx\/enforce-module-boundaries/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(switchedOff).toEqual([]);
  });
});
