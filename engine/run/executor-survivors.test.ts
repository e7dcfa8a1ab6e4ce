/**
 * Executor behaviour that mutation testing (issue 13) showed no test noticed: how activate compares
 * values, the exact skip reasons and error places, trace timing relative to the run's start, what
 * `traceValues: false` leaves out, streaming on the guarded and mapped paths, a stream that breaks,
 * the concurrency slot of a node that fails with on_error: continue, cancelling a finished run, what
 * a finished run leaves behind (timers, listeners on the caller's signal), a node that looks at its
 * signal only after the run was cancelled, long synchronous chains, and unsubscribing.
 */
import { getEventListeners } from 'node:events';
import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ErrorCode } from '../error-codes.ts';
import { WeirError } from '../errors.ts';
import { compileFlow } from '../flow/compile.ts';
import { defineNode } from '../node-definition.ts';
import { flow, nodeOf, plan, run } from '../../test/helpers/flows.ts';
import { runOnFakeClock } from '../../test/helpers/fake-clock.ts';
import { probe, testRegistry } from '../../test/helpers/test-nodes.ts';
import type { RunEvent } from './events.ts';
import { runFlow, startRun } from './executor.ts';

beforeEach(() => probe.reset());
afterEach(() => vi.useRealTimers());

const ofType = <T extends RunEvent['type']>(events: RunEvent[], type: T) => events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);

describe('activate compares values', () => {
  const gated = (is: unknown) => plan([{ name: 'x', type: 'pass', inputs: { value: 'ran' }, activate: { when: '${inputs.v}', is } }], { x: '${x.output}' }, { v: { type: 'any' } });
  const ran = async (v: unknown, is: unknown) => nodeOf((await run(gated(is), { v })).result, 'x').status === 'succeeded';
  const iso = '2024-01-02T03:04:05.000Z';

  it('equal data objects match by content, different ones do not', async () => {
    expect(await ran({ a: 1, b: [1, { c: 'x' }] }, { a: 1, b: [1, { c: 'x' }] })).toBe(true);
    expect(await ran({ a: 1 }, { a: 2 })).toBe(false);
    expect(await ran([1, 2], [1, 2])).toBe(true);
    expect(await ran(1, 1)).toBe(true);
    expect(await ran('1', 1)).toBe(false);
  });

  it('NaN and Infinity (YAML .nan, .inf) are not null, though JSON writes all three as null', async () => {
    expect(await ran(Number.NaN, null)).toBe(false);
    expect(await ran(null, Number.NaN)).toBe(false);
    expect(await ran(Number.POSITIVE_INFINITY, Number.NaN)).toBe(false);
  });

  it('an object never equals a string or null, even one whose JSON is that string or null (a Date)', async () => {
    expect(await ran(new Date(iso), iso)).toBe(false);
    expect(await ran(iso, new Date(iso))).toBe(false);
    expect(await ran(new Date(Number.NaN), null)).toBe(false);
    expect(await ran(null, new Date(Number.NaN))).toBe(false);
  });
});

describe('skip reasons', () => {
  it('lists every skipped node a node reads, comma separated', async () => {
    const off = (name: string) => ({ name, type: 'pass', inputs: { value: name }, activate: { when: '${inputs.on}', is: true } });
    const p = plan([off('a'), off('b'), { name: 'both', type: 'pass', inputs: { value: '${a.output}', other: '${b.output}' } }], { both: '${both.output}' }, { on: { type: 'boolean', default: false } });
    expect(nodeOf((await run(p)).result, 'both').skipReason).toBe('every node it reads was skipped (a, b)');
  });

  it('names a condition that is not a plain reference "activate.when", with the value it had', async () => {
    const p = plan([{ name: 'x', type: 'pass', inputs: { value: 1 }, activate: { when: 'mode-${inputs.mode}', is: 'mode-yes' } }], { x: '${x.output}' }, { mode: { type: 'string' } });
    const { result } = await run(p, { mode: 'no' });
    expect(nodeOf(result, 'x').skipReason).toBe('activate: activate.when is "mode-no", not "mode-yes"');
    expect((await run(p, { mode: 'yes' })).result.outputs.x).toBe(1);
  });

  it('says "undefined" for a condition that reads nothing', async () => {
    const p = plan([{ name: 'x', type: 'pass', inputs: { value: 1 }, activate: { when: '${inputs.cfg.flag}', is: true } }], { x: '${x.output}' }, { cfg: { type: 'object' } });
    expect(nodeOf((await run(p, { cfg: {} })).result, 'x').skipReason).toBe('activate: ${inputs.cfg.flag} is undefined, not true');
  });
});

describe('where run-time errors point', () => {
  it('a node input of the wrong type: invalid_node_input at inputs.<port>, not wrapped as a node failure', async () => {
    const p = plan([{ name: 'src', type: 'pass', inputs: { value: '${inputs.x}' } }, { name: 't', type: 'typed', inputs: { text: '${src.output}' } }], { out: '${t.output.text}' }, { x: { type: 'any' } });
    const { result } = await run(p, { x: 42 });
    expect(result.error).toMatchObject({ code: 'invalid_node_input', node: 't', path: ['inputs', 'text'] });
    expect(result.error!.message).toMatch(/^node "t" input "text": \S/);
    expect(result.error!.cause).toBeUndefined();
  });

  const mapped = (over: string, extra: object = {}) =>
    plan([{ name: 'src', type: 'pass', inputs: { value: '${inputs.x}' } }, { name: 'each', type: 'pass', inputs: { value: '${map.item}' }, map: { over, ...extra } }], { out: '${each.output}' }, { x: { type: 'any' } });

  it('map.over that is not a list: map_not_array at map.over, saying what it was', async () => {
    for (const [x, got] of [[null, 'null'], ['text', 'string'], [{ a: 1 }, 'object']] as const) {
      const { result } = await run(mapped('${src.output}'), { x });
      expect(result.error, got).toEqual({ code: 'map_not_array', node: 'each', path: ['map', 'over'], message: `node "each": map.over must be an array, got ${got}` });
    }
  });

  it('map.over longer than max_items: map_too_large at map.max_items', async () => {
    const { result } = await run(mapped('${src.output}', { max_items: 2 }), { x: [1, 2, 3] });
    expect(result.error).toEqual({
      code: 'map_too_large', node: 'each', path: ['map', 'max_items'],
      message: 'node "each": map.over has 3 items, more than map.max_items (2); raise max_items or split the input',
    });
  });
});

describe('trace timing is measured from the start of the run', () => {
  // The fake clock is moved on before the run starts, so a time taken from the clock's origin
  // instead of the run's start would show.
  const later = () => vi.advanceTimersByTime(1000);

  it('gives start and end of each node, node.finished ms and the run duration in run time', async () => {
    const p = plan([{ name: 'a', type: 'wait', inputs: { value: 1 }, config: { ms: 5 } }, { name: 'b', type: 'wait', inputs: { value: '${a.output}' }, config: { ms: 7 } }], { b: '${b.output}' });
    const { result, events } = await runOnFakeClock(p, {}, {}, 10_000, later);
    expect(nodeOf(result, 'a')).toMatchObject({ startMs: 0, endMs: 5 });
    expect(nodeOf(result, 'b')).toMatchObject({ startMs: 5, endMs: 12 });
    expect(ofType(events, 'node.finished').map((e) => [e.node, e.ms])).toEqual([['a', 5], ['b', 7]]);
    expect(result.durationMs).toBe(12);
    expect(ofType(events, 'run.finished')[0].ms).toBe(12);
  });

  it('ends a failed node when it failed', async () => {
    const p = plan([{ name: 'bad', type: 'boom', config: { ms: 20 } }], { a: '${bad.output.never}' });
    const { result } = await runOnFakeClock(p, {}, {}, 10_000, later);
    expect(nodeOf(result, 'bad')).toMatchObject({ status: 'failed', startMs: 0, endMs: 20 });
    expect(result.durationMs).toBe(20);
  });
});

describe('traceValues', () => {
  const plain = () => plan([{ name: 'a', type: 'pass', inputs: { value: '${inputs.x}' } }], { a: '${a.output}' }, { x: { type: 'string' } });
  const guarded = () => plan([{ name: 'a', type: 'flaky', inputs: { value: '${inputs.x}' }, config: { failures: 0 }, retry: { max_attempts: 2, backoff: 1 } }], { a: '${a.output}' }, { x: { type: 'string' } });

  it('keeps inputs and output of plain and guarded nodes by default, and leaves both out when false', async () => {
    for (const [name, p, output] of [['plain', plain, 's'], ['guarded', guarded, { value: 's', attempt: 1 }]] as const) {
      const kept = nodeOf((await run(p(), { x: 's' })).result, 'a');
      expect(kept.inputs, name).toEqual({ value: 's' });
      expect(kept.output, name).toEqual(output);
      const quiet = await run(p(), { x: 's' }, { traceValues: false });
      expect(quiet.result.outputs.a, name).toEqual(output);
      expect(nodeOf(quiet.result, 'a').inputs, name).toBeUndefined();
      expect(nodeOf(quiet.result, 'a').output, name).toBeUndefined();
    }
  });

  it('records an empty list of inputs for a node mapped over an empty list', async () => {
    const p = plan([{ name: 'each', type: 'pass', inputs: { value: '${map.item}' }, map: { over: '${inputs.xs}' } }], { out: '${each.output}' }, { xs: { type: 'list' } });
    expect(nodeOf((await run(p, { xs: [] })).result, 'each').inputs).toEqual([]);
  });
});

describe('streaming', () => {
  const torn = defineNode({
    type: 'torn_t', title: 'Torn stream', category: 'test', description: 'yields a chunk, then fails', streams: true,
    inputs: {}, output: z.string(), config: z.object({}).strict(),
    async *run() {
      yield 'first ';
      throw new WeirError('torn' as ErrorCode, 'the stream broke'); // a test-only code, outside the catalog on purpose
    },
  });

  it('fails the run when a stream breaks, after the chunks it sent', async () => {
    const p = compileFlow(flow([{ name: 's', type: 'torn_t' }], { out: '${s.output}' }), { registry: testRegistry([torn]) });
    const { result, events } = await runOnFakeClock(p, {}, {}, 1000);
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'torn', node: 's', message: 'node "s" failed: the stream broke' });
    expect(events.map((e) => e.type)).toEqual(['run.started', 'node.started', 'node.chunk', 'output.chunk', 'node.failed', 'run.finished']);
  });

  it('sends node.chunk events naming the node, next to the output.chunk events', async () => {
    const p = plan([{ name: 'talk', type: 'stream', inputs: { text: 'a b' }, config: { delay_ms: 1 } }], { answer: '${talk.output}' });
    const { events } = await runOnFakeClock(p);
    expect(events.filter((e) => e.type === 'node.chunk' || e.type === 'output.chunk').map((e) => [e.type, 'node' in e ? e.node : e.output, e.chunk])).toEqual([
      ['node.chunk', 'talk', 'a '], ['output.chunk', 'answer', 'a '], ['node.chunk', 'talk', 'b '], ['output.chunk', 'answer', 'b '],
    ]);
  });

  it('still streams a node that has a timeout (the guarded path)', async () => {
    const p = plan([{ name: 'talk', type: 'stream', inputs: { text: 'a b' }, config: { delay_ms: 1 }, timeout: '1s' }], { answer: '${talk.output}' });
    const { result, events } = await runOnFakeClock(p);
    expect(result.outputs.answer).toBe('a b ');
    expect(ofType(events, 'output.chunk').map((e) => e.chunk)).toEqual(['a ', 'b ']);
  });

  it('does not stream the items of a mapped node: each item is joined and the list comes at the end', async () => {
    const p = plan([{ name: 'talk', type: 'stream', inputs: { text: '${map.item}' }, config: { delay_ms: 1 }, map: { over: '${inputs.texts}', concurrency: 2 } }], { answer: '${talk.output}' }, { texts: { type: 'list' } });
    const { result, events } = await runOnFakeClock(p, { texts: ['a b', 'c d'] });
    expect(result.outputs.answer).toEqual(['a b ', 'c d ']);
    expect(events.some((e) => e.type === 'node.chunk' || e.type === 'output.chunk')).toBe(false);
  });
});

describe('retries in events', () => {
  it('announces each attempt of a guarded node with node.started', async () => {
    const p = plan([{ name: 'f', type: 'flaky', inputs: { value: 'v' }, config: { failures: 1 }, retry: { max_attempts: 2, backoff: 1, jitter: false } }], { out: '${f.output}' });
    const { events } = await runOnFakeClock(p);
    expect(events.filter((e) => e.type.startsWith('node.')).map((e) => [e.type, 'attempt' in e ? e.attempt : undefined])).toEqual([
      ['node.started', 1], ['node.retrying', 2], ['node.started', 2], ['node.finished', undefined],
    ]);
  });
});

describe('on_error: continue and the concurrency limit', () => {
  it('frees the failed node\'s slot, so the nodes after it still run one at a time', async () => {
    const p = plan(
      [{ name: 'bad', type: 'boom', on_error: 'continue' }, { name: 'w1', type: 'wait', inputs: { value: 1 }, config: { ms: 5 } }, { name: 'w2', type: 'wait', inputs: { value: 2 }, config: { ms: 5 } }],
      { w1: '${w1.output}', w2: '${w2.output}' },
    );
    const { result } = await runOnFakeClock(p, {}, { concurrency: 1 }, 1000);
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toEqual({ w1: 1, w2: 2 });
    expect(probe.maxRunning).toBe(1);
  });
});

describe('the end of a run', () => {
  it('a failed run has no outputs, in its result and in run.finished; a succeeded one has them in both', async () => {
    const bad = await run(plan([{ name: 'bad', type: 'boom' }, { name: 'ok', type: 'pass', inputs: { value: 1 } }], { a: '${bad.output.never}', b: '${ok.output}' }));
    expect(bad.result.status).toBe('failed');
    expect(bad.result.outputs).toEqual({});
    expect(bad.result.nullOutputs).toEqual({});
    expect(ofType(bad.events, 'run.finished')[0].outputs).toBeUndefined();
    const good = await run(plan([{ name: 'ok', type: 'pass', inputs: { value: 1 } }], { b: '${ok.output}' }));
    expect(ofType(good.events, 'run.finished')[0].outputs).toEqual({ b: 1 });
  });

  it('cancelling a run that has finished changes nothing and sends nothing', async () => {
    const p = plan([{ name: 'a', type: 'pass', inputs: { value: 1 } }], { a: '${a.output}' });
    const events: RunEvent[] = [];
    const handle = startRun(p, {}, { onEvent: (e) => events.push(e) });
    const result = await handle.done;
    handle.cancel('too late');
    expect(ofType(events, 'run.finished').map((e) => e.status)).toEqual(['succeeded']);
    expect(result.status).toBe('succeeded');
    expect(nodeOf(result, 'a').status).toBe('succeeded');
  });

  it('leaves no deadline timer behind (it would keep the process alive until the deadline)', async () => {
    vi.useFakeTimers();
    const p = plan([{ name: 'a', type: 'pass', inputs: { value: 1 } }], { a: '${a.output}' });
    const result = await runFlow(p, {}, { deadlineMs: 60_000 });
    expect(result.status).toBe('succeeded');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('the caller\'s abort signal', () => {
  const p = () => plan([{ name: 'a', type: 'pass', inputs: { value: 1 } }], { a: '${a.output}' });

  it('a signal aborted before the run starts cancels it before any node runs', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const { result, events } = await run(p(), {}, { signal: ctl.signal });
    expect(result.status).toBe('cancelled');
    expect(result.error?.code).toBe('run_cancelled');
    expect(nodeOf(result, 'a').status).toBe('pending');
    expect(events.some((e) => e.type === 'node.started')).toBe(false);
  });

  it('keeps no listener on the signal once a run is over, so many runs can share one (sub-flows per map item)', async () => {
    const ctl = new AbortController();
    for (let i = 0; i < 12; i++) expect((await run(p(), {}, { signal: ctl.signal })).result.status).toBe('succeeded');
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(0);
    const slow = plan([{ name: 'w', type: 'wait', inputs: { value: 1 }, config: { ms: 5000 } }], { w: '${w.output}' });
    const handle = startRun(slow, {}, { signal: ctl.signal });
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(1);
    handle.cancel();
    expect((await handle.done).status).toBe('cancelled');
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(0);
  });
});

describe('a node that looks at its signal only after the run was cancelled', () => {
  it('finds it aborted, and throwIfAborted throws the cancellation', async () => {
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const seen: { aborted?: boolean; thrown?: unknown } = {};
    const late = defineNode({
      type: 'late_t', title: 'Late', category: 'test', description: 'checks its signal after a gate',
      inputs: {}, output: z.any(), config: z.object({}).strict(),
      run: async (ctx) => {
        await new Promise<void>((r) => ((release = r), started()));
        seen.aborted = ctx.signal.aborted;
        try {
          ctx.throwIfAborted();
        } catch (e) {
          seen.thrown = e;
        }
        return 'ignored';
      },
    });
    const p = compileFlow(flow([{ name: 'l', type: 'late_t' }], { out: '${l.output}' }), { registry: testRegistry([late]) });
    const handle = startRun(p, {});
    await running;
    handle.cancel('stop');
    expect((await handle.done).status).toBe('cancelled');
    release();
    await new Promise((r) => setImmediate(r));
    expect(seen.aborted).toBe(true);
    expect(seen.thrown).toMatchObject({ code: 'run_cancelled', message: 'stop' });
  });
});

describe('a long chain of synchronous nodes', () => {
  // Each node of a synchronous chain must start from the same loop, not from inside the one before
  // it: else the stack grows with the chain and a long enough flow overflows it.
  it('runs every node at the same stack depth, however far down the chain', async () => {
    const depths: number[] = [];
    const depth = defineNode({
      type: 'depth_t', title: 'Depth', category: 'test', description: 'records how deep the stack is',
      inputs: { value: z.any() }, output: z.any(), config: z.object({}).strict(),
      run: (_ctx, inputs) => {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = Infinity;
        depths.push(new Error('depth').stack!.split('\n').length);
        Error.stackTraceLimit = limit;
        return inputs.value;
      },
    });
    const n = 40;
    const nodes = Array.from({ length: n }, (_, i) => ({ name: `n${i}`, type: 'depth_t', inputs: { value: i ? `\${n${i - 1}.output}` : 'end to end' } }));
    const p = compileFlow(flow(nodes, { out: `\${n${n - 1}.output}` }), { registry: testRegistry([depth]) });
    const { result } = await run(p);
    expect(result.outputs.out).toBe('end to end');
    expect(depths).toHaveLength(n);
    // From the second node on (the first starts from startRun itself), the depth stays put.
    expect(depths[n - 1] - depths[1]).toBeLessThan(5);
  });
});

describe('unsubscribing', () => {
  const p = () => plan([{ name: 'a', type: 'wait', inputs: { value: 1 }, config: { ms: 1 } }], { a: '${a.output}' });

  it('stops that listener only, the first one too, and a second call removes nobody else', async () => {
    const handle = startRun(p(), {});
    const first: string[] = [];
    const second: string[] = [];
    const third: string[] = [];
    const offFirst = handle.subscribe((e) => first.push(e.type));
    const offSecond = handle.subscribe((e) => second.push(e.type));
    handle.subscribe((e) => third.push(e.type));
    offFirst();
    offSecond();
    offSecond();
    await handle.done;
    expect(first).toEqual([]);
    expect(second).toEqual([]);
    expect(third).toEqual(['node.finished', 'run.finished']);
  });
});
