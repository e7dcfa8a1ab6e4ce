import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { closeSandboxPool, sandboxPool } from './sandbox-pool.ts';
import { WORKER_NICE } from './thread-priority.ts';

/** Nice values of this process's threads, read from Linux's /proc (field 19 of each thread's stat). */
function threadNices(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

afterAll(() => closeSandboxPool());

it.runIf(process.platform === 'linux')('a sandbox thread runs at a lower priority than the event loop', async () => {
  expect(threadNices()).not.toContain(WORKER_NICE);
  const outcome = await sandboxPool().run({ kind: 'jsonata', payload: { source: '1 + 1', input: null }, deadline: Date.now() + 10_000 });
  expect(outcome).toMatchObject({ ok: true });
  expect(threadNices()).toContain(WORKER_NICE);
  // The thread that runs the tests (the event loop's) keeps its own priority.
  expect(threadNices()[0]).toBe(0);
});
