import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { NodeTimeoutError, RunCancelledError, WeirError } from '../errors.ts';
import { compileForSlice, evaluateSlice, SLICE_SEQUENCE } from './jsonata-eval.ts';
import { closeSandboxPool, startedSandboxPool } from './sandbox-pool.ts';
import runTask from './sandbox-worker.ts';
import { continueOnWorker } from './sliced.ts';

/** What the transform node does: a slice in-process, then a sandbox thread with the rest. */
function evaluate(source: string, input: unknown, budgetMs = 2_000, signal = new AbortController().signal): Promise<unknown> {
  const expression = compileForSlice(source, budgetMs);
  const started = Date.now();
  return evaluateSlice(expression, input).then(undefined, (err: unknown) =>
    continueOnWorker(err, started, {
      node: 'shape',
      budgetMs,
      task: { kind: 'jsonata', payload: { source, input } },
      signal,
      fromWorker: (json) => JSON.parse(json as string) as unknown,
    }),
  );
}

async function failure(p: Promise<unknown>): Promise<WeirError> {
  return p.then(
    (v) => Promise.reject(new Error(`expected a failure, got ${JSON.stringify(v)}`)),
    (e: unknown) => e as WeirError,
  );
}

const completed = () => startedSandboxPool()?.completed ?? 0;

/**
 * A started, idle sandbox thread, so that the next task runs at once: a thread still starting
 * (~0.4 s under tsx) holds its task in piscina's queue, where an abort only dequeues it.
 */
async function warmThread(): Promise<void> {
  await evaluate('$sum([1..100000])', {});
  expect(startedSandboxPool()!.threads).toHaveLength(1);
}

/** The one sandbox thread, once it runs the task just started (polled: the slice comes first). */
async function runningThread(): Promise<Worker> {
  const pool = startedSandboxPool()!;
  while (pool.idleThreads > 0) await new Promise((r) => setTimeout(r, 2));
  return pool.threads[0];
}

// A runaway no time check inside a step could stop: ten million JSONata steps, well past any budget here.
const RUNAWAY = '$sum([1..9999999].($ * 2)) + $sum([1..9999999].($ * 3))';

beforeEach(() => closeSandboxPool());
afterAll(() => closeSandboxPool());

describe('sliced evaluation', () => {
  test('a normal expression answers in-process: no task reaches a sandbox thread', async () => {
    expect(await evaluate('$sum(lines.(qty * price))', { lines: [{ qty: 2, price: 5 }, { qty: 1, price: 20 }] })).toBe(30);
    expect(await evaluate(`$count([1..${SLICE_SEQUENCE}])`, {})).toBe(SLICE_SEQUENCE);
    expect(completed()).toBe(0);
  });

  test('work past the slice finishes on a sandbox thread with the same answer as in-process', async () => {
    expect(await evaluate('$sum([1..100000])', {})).toBe(5000050000);
    expect(await evaluate('([1..20000].{ "n": $, "odd": $ % 2 = 1 })[-1]', {})).toEqual({ n: 20000, odd: false });
    expect(await evaluate('$sum([1..20000].$match("a" & $string($), /\\d+$/).index)', {})).toBe(20000);
    expect(completed()).toBe(3);
  });

  test('a failure on the thread keeps JSONata’s message and code', async () => {
    const err = await failure(evaluate('$sum([1..20000]) + "a"', {}));
    expect(err).toBeInstanceOf(WeirError);
    expect(err).toMatchObject({ code: 'transform_failed', cause: { code: 'T2002' } });
    expect(err.message).toContain('must evaluate to a number');
  });

  test('a runaway fails with node_timeout naming the node, its thread is ended, and the next task runs', async () => {
    await warmThread();
    const err = evaluate(RUNAWAY, {}, 300);
    const thread = await runningThread();
    const exited = once(thread, 'exit');
    expect(await failure(err)).toMatchObject({ code: 'node_timeout', node: 'shape' });
    await exited; // terminated, not left spinning
    expect(startedSandboxPool()!.threads).not.toContain(thread);
    expect(await evaluate('$sum([1..100000])', {})).toBe(5000050000);
  });

  test('a budget smaller than the slice times out in-process without a thread', async () => {
    const err = await failure(evaluate('($f := function($n) { $f($n + 1) }; $f(0))', {}, 3));
    expect(err).toBeInstanceOf(NodeTimeoutError);
    expect(startedSandboxPool()).toBeUndefined();
  });

  test('aborting (a cancelled run) ends the thread and rejects with the abort reason', async () => {
    await warmThread();
    const ctl = new AbortController();
    const err = evaluate(RUNAWAY, {}, 60_000, ctl.signal);
    const thread = await runningThread();
    const exited = once(thread, 'exit');
    ctl.abort(new RunCancelledError());
    expect(await failure(err)).toBeInstanceOf(RunCancelledError);
    await exited;
  });

  test('a result past the size cap is refused on the thread, before it is sent back', async () => {
    const err = await failure(evaluate('[1..20000].$pad("", 300, "x")', {}));
    expect(err).toMatchObject({ code: 'transform_result_too_large' });
  });

  test('the worker answers an unknown kind as a failure, not a throw', async () => {
    const out = await runTask({ kind: 'nope' as 'jsonata', payload: { source: '1', input: null }, deadline: Date.now() + 1_000 });
    expect(out).toMatchObject({ ok: false, failure: { code: 'sandbox_failed' } });
  });
});
