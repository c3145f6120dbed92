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

const controller = (injected: string) => `import { Controller } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { NotificationsStore } from '../store/notifications.store';
@Controller('api/v1/probe')
export class ProbeHttpController {
  constructor(${injected}) {}
}
export const used = [CommandBus, QueryBus, NotificationsStore];
`;

/**
 * The workspace's own lint rules, proved on probes: apps stay apart (only the end-to-end projects may
 * import an app, by its alias) and a service's controller talks to the buses only. One ESLint run.
 */
describe('workspace rules', () => {
  let messages: string[][];
  beforeAll(() => {
    messages = lintProbes(
      [
        { filePath: 'apps/insights/src/probe.ts', code: importGoals.alias },
        { filePath: 'apps/insights/test/probe.int.spec.ts', code: importGoals.relative(2) },
        { filePath: 'apps/notifications/test/support/probe.ts', code: importGoals.relative(3) },
        { filePath: 'apps/insights-e2e/test/probe.int.spec.ts', code: importGoals.alias },
        { filePath: 'apps/insights-e2e/test/probe-path.int.spec.ts', code: importGoals.relative(2) },
        { filePath: 'apps/notifications/src/http/probe.controller.ts', code: controller('private readonly commands: CommandBus, private readonly queries: QueryBus') },
        { filePath: 'apps/notifications/src/http/probe.controller.ts', code: controller('private readonly store: NotificationsStore') },
      ],
      ['@nx/enforce-module-boundaries', 'no-restricted-syntax'],
    );
  }, 180_000);

  it('refuses an app importing another, by alias or by path, from its sources or its tests', () => {
    const [srcAlias, testPath, supportPath, e2eAlias, e2ePath] = messages;
    expect(srcAlias).toEqual([expect.stringContaining('Imports of apps are forbidden')]);
    for (const refused of [testPath, supportPath, e2ePath]) expect(refused).toEqual([expect.stringContaining('cannot be imported by a relative or absolute path')]);
    expect(e2eAlias).toEqual([]);
  });

  it('is not switched off in any file of the apps', () => {
    const switchedOff = sources(join(root, 'apps'))
      .filter((file) => /eslint-disable[^\n]*@nx\/enforce-module-boundaries/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(switchedOff).toEqual([]);
  });

  it("refuses a service's controller that injects anything but the command and query buses", () => {
    const [buses, store] = messages.slice(5);
    expect(buses).toEqual([]);
    expect(store).toEqual([expect.stringContaining('A controller injects only CommandBus and QueryBus')]);
  });
});
