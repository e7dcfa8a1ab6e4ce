import { once } from 'node:events';
import { afterAll, expect, test } from 'vitest';
import { compileFlow } from '../engine/flow/compile.ts';
import { runFlow } from '../engine/run/executor.ts';
import { closeSandboxPool, startedSandboxPool } from '../engine/sandbox/sandbox-pool.ts';
import { testRegistry } from '../test/helpers/test-nodes.ts';
import { promptNode } from './prompt.ts';

/** Template renders past their in-process slice go on a sandbox thread, which a timeout ends. */
const registry = testRegistry([promptNode]);
const RUNAWAY = '{% for i in range(0, 100000) %}{% for j in range(0, 100000) %}{% endfor %}{% endfor %}';
// Each step rewrites half a megabyte: the node's timeout comes long before the step budget would,
// however fast or busy the machine (RUNAWAY's empty steps can reach the budget within 300 ms).
const SLOW_RUNAWAY = '{% set s = "a" * 500000 %}{% for i in range(0, 100000) %}{% for j in range(0, 100000) %}{% set t = s | replace("a", "b") %}{% endfor %}{% endfor %}';

const plan = (template: string, node: Record<string, unknown> = {}) =>
  compileFlow(
    { weir: 1, name: 'budget', inputs: { n: { type: 'number', default: 3 } }, outputs: { out: '${t.output}' }, nodes: [{ name: 't', type: 'prompt', inputs: { n: '${inputs.n}' }, config: { template }, ...node }] },
    { registry },
  );

afterAll(() => closeSandboxPool());

test('an ordinary render stays on the event loop: no sandbox thread is started', async () => {
  expect((await runFlow(plan('{% for i in range(n) %}{{ i }},{% endfor %}'))).outputs).toEqual({ out: '0,1,2,' });
  expect(startedSandboxPool()).toBeUndefined();
});

test('a render past the slice finishes on a sandbox thread with the same text', async () => {
  const result = await runFlow(plan('{% for i in range(0, n) %}{{ i % 10 }}{% endfor %}'), { n: 60_000 });
  expect(result.status).toBe('succeeded');
  const out = result.outputs.out as string;
  expect(out).toHaveLength(60_000);
  expect(out.slice(0, 12)).toBe('012345678901');
  expect(startedSandboxPool()!.threads.length).toBeGreaterThan(0);
});

test('the node timeout ends the thread of a runaway render and names the node', async () => {
  const pool = startedSandboxPool()!;
  const done = runFlow(plan(SLOW_RUNAWAY, { timeout: '300ms' }));
  while (pool.idleThreads > 0 || pool.threads.length === 0) await new Promise((r) => setTimeout(r, 2));
  const exited = once(pool.threads[0], 'exit');
  const result = await done;
  expect(result.status).toBe('failed');
  expect(result.error).toMatchObject({ code: 'node_timeout', node: 't' });
  await exited;
});

test('without a timeout a runaway render stops at its step budget', async () => {
  const result = await runFlow(plan(RUNAWAY));
  expect(result.status).toBe('failed');
  expect(result.error).toMatchObject({ code: 'template_budget', node: 't' });
  expect(result.error!.message).toMatch(/steps/);
});

test('a template error on the sandbox thread keeps its code and names what was rendered', async () => {
  const result = await runFlow(plan('{% for i in range(0, 60000) %}.{% endfor %}{{ 1 / 0 }}'));
  expect(result.status).toBe('failed');
  expect(result.error).toMatchObject({ code: 'template_render', node: 't' });
  expect(result.error!.message).toMatch(/could not render the prompt template/);
});
