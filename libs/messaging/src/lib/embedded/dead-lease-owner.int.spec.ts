import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { heldByDeadProcess } from './bus-tables';

/** A lease left by a process killed with -9 must not stop that service's restart from resetting its groups. */
describe('heldByDeadProcess', () => {
  it('tells a dead process of this host from a live one, this process and another host', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    await once(child, 'spawn');
    const owner = `${hostname()}:${child.pid}:8b0f`;
    expect(heldByDeadProcess(owner)).toBe(false);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(heldByDeadProcess(owner)).toBe(true);
    expect(heldByDeadProcess(`${hostname()}:${process.pid}:8b0f`)).toBe(false);
    expect(heldByDeadProcess(`another-host:${child.pid}:8b0f`)).toBe(false);
    expect(heldByDeadProcess('not-an-owner')).toBe(false);
  });
});
