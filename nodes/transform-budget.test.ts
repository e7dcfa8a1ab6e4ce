import { once } from 'node:events';
import { afterAll, expect, test } from 'vitest';
import { compileFlow } from '../engine/flow/compile.ts';
import { runFlow } from '../engine/run/executor.ts';
import { closeSandboxPool, startedSandboxPool } from '../engine/sandbox/sandbox-pool.ts';
import { testRegistry } from '../test/helpers/test-nodes.ts';
import { transformNode } from './transform.ts';

const registry = testRegistry([transformNode]);
const RUNAWAY = '$sum([1..9999999].($ * 2)) + $sum([1..9999999].($ * 3))';

const plan = (expression: string, node: Record<string, unknown> = {}) =>
  compileFlow(
    { weir: 1, name: 'budget', outputs: { out: '${t.output}' }, nodes: [{ name: 't', type: 'transform', config: { expression, timeout_ms: 60_000 }, ...node }] },
    { registry },
  );

afterAll(() => closeSandboxPool());

test('the executor’s node timeout, shorter than timeout_ms, ends the sandbox thread and names the node', async () => {
  // A started thread first, so the runaway runs on it at once (a starting thread queues its task).
  expect((await runFlow(plan('$sum([1..100000])'))).outputs).toEqual({ out: 5000050000 });
  const pool = startedSandboxPool()!;
  const done = runFlow(plan(RUNAWAY, { timeout: '300ms' }));
  while (pool.idleThreads > 0) await new Promise((r) => setTimeout(r, 2));
  const exited = once(pool.threads[0], 'exit');
  const result = await done;
  expect(result.status).toBe('failed');
  expect(result.error).toMatchObject({ code: 'node_timeout', node: 't' });
  await exited;
  expect(pool.threads).toHaveLength(0);
});
