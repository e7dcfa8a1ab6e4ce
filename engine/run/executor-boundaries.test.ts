/**
 * Executor edges that a planted bug slipped past: map.max_items at its limit, a mapped node's trace
 * (attempts across items, inputs per item), and which null outputs get a "skipped" explanation.
 */
import { z } from 'zod';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../error-codes.ts';
import { RunCancelledError, RunDeadlineError, WeirError } from '../errors.ts';
import { compileFlow } from '../flow/compile.ts';
import { defineNode } from '../node-definition.ts';
import { flow, nodeOf, plan, run } from '../../test/helpers/flows.ts';
import { startRun } from './executor.ts';
import { probe, testRegistry } from '../../test/helpers/test-nodes.ts';

beforeEach(() => probe.reset());

describe('map.max_items', () => {
  const mapped = (maxItems: number) =>
    plan([{ name: 'each', type: 'pass', inputs: { value: '${map.item}' }, map: { over: '${inputs.xs}', max_items: maxItems } }], { out: '${each.output}' }, { xs: { type: 'list' } });

  it('runs a list of exactly max_items items, and fails one item over with map_too_large', async () => {
    const ok = (await run(mapped(3), { xs: [1, 2, 3] })).result;
    expect(ok.status).toBe('succeeded');
    expect(ok.outputs.out).toEqual([1, 2, 3]);
    const over = (await run(mapped(3), { xs: [1, 2, 3, 4] })).result;
    expect(over.status).toBe('failed');
    expect(over.error).toMatchObject({ code: 'map_too_large' });
    expect(over.error!.message).toContain('4 items, more than map.max_items (3)');
  });

  it('runs one item with max_items 1, and an empty list with any limit', async () => {
    expect((await run(mapped(1), { xs: ['a'] })).result.outputs.out).toEqual(['a']);
    expect((await run(mapped(1), { xs: [] })).result.outputs.out).toEqual([]);
  });
});

describe('the trace of a mapped node', () => {
  it('counts the most attempts any item took, not the last item\'s', async () => {
    // The flaky node counts attempts per run and node: item 0 fails once and succeeds on its retry,
    // item 1 (run after it, concurrency 1) succeeds at once.
    const p = plan(
      [{ name: 'f', type: 'flaky', inputs: { value: '${map.item}' }, config: { failures: 1 }, retry: { max_attempts: 2, backoff: 1, jitter: false }, map: { over: '${inputs.xs}', concurrency: 1 } }],
      { out: '${f.output}' },
      { xs: { type: 'list' } },
    );
    const { result } = await run(p, { xs: ['a', 'b'] });
    expect(result.status).toBe('succeeded');
    expect(result.outputs.out).toEqual([{ value: 'a', attempt: 2 }, { value: 'b', attempt: 1 }]);
    expect(nodeOf(result, 'f').attempts).toBe(2);
  });

  it('records the inputs of every item, in item order', async () => {
    const p = plan([{ name: 'each', type: 'pass', inputs: { value: '${map.index}:${map.item}' }, map: { over: '${inputs.xs}' } }], { out: '${each.output}' }, { xs: { type: 'list' } });
    const { result } = await run(p, { xs: ['a', 'b', 'c'] });
    expect(nodeOf(result, 'each').inputs).toEqual([{ value: '0:a' }, { value: '1:b' }, { value: '2:c' }]);
    expect(nodeOf(result, 'each').items).toBe(3);
    const quiet = (await run(p, { xs: ['a'] }, { traceValues: false })).result;
    expect(nodeOf(quiet, 'each').inputs).toBeUndefined();
  });
});

describe('null outputs', () => {
  it('explains only the outputs of skipped nodes, not a node that ran and gave null', async () => {
    const p = plan(
      [
        { name: 'gave_null', type: 'pass', inputs: { value: null } },
        { name: 'off', type: 'pass', inputs: { value: 1 }, activate: { when: '${inputs.on}', is: true } },
      ],
      { a: '${gave_null.output}', b: '${off.output}' },
      { on: { type: 'boolean', default: false } },
    );
    const { result } = await run(p);
    expect(result.outputs).toEqual({ a: null, b: null });
    expect(Object.keys(result.nullOutputs)).toEqual(['b']);
  });
});

describe('on_error: continue', () => {
  // A node that fails with a cancellation of its own (a sub-run cancelled or out of time, say).
  const cancelled = defineNode({
    type: 'cancelled_t', title: 'Cancelled', category: 'test', description: 'throws a cancellation',
    inputs: {}, output: z.any(), config: z.object({ deadline: z.boolean().default(false) }).strict(),
    run: (_ctx, _inputs, config) => {
      throw config.deadline ? new RunDeadlineError(5) : new RunCancelledError('stopped');
    },
  });
  const p = (deadline: boolean) =>
    compileFlow(
      flow([{ name: 'c', type: 'cancelled_t', config: { deadline }, on_error: 'continue' }, { name: 'after', type: 'pass', inputs: { value: '${c.output}' } }], { out: '${after.output}' }),
      { registry: testRegistry([cancelled]) },
    );

  it('does not carry on past a cancellation or a deadline: the run stops there', async () => {
    for (const deadline of [false, true]) {
      const { result, events } = await run(p(deadline));
      expect(result.status, `deadline ${deadline}`).toBe('failed');
      expect(nodeOf(result, 'after').status, `deadline ${deadline}`).not.toBe('succeeded');
      expect(events.some((e) => e.type === 'node.started' && e.node === 'after')).toBe(false);
    }
  });

  it('carries on past an ordinary failure, with the error as the output', async () => {
    const q = plan([{ name: 'f', type: 'flaky', inputs: { value: 1 }, config: { failures: 1 }, on_error: 'continue' }, { name: 'after', type: 'pass', inputs: { value: '${f.output.error.code}' } }], { out: '${after.output}' });
    const { result } = await run(q);
    expect(result.status).toBe('succeeded');
    expect(result.outputs.out).toBe('flaky');
  });
});

describe('references read data, not what values inherit', () => {
  it('reads inherited members and methods as undefined, while own keys of those names and lengths still read', async () => {
    const p = plan(
      [{ name: 'a', type: 'pass', inputs: { value: { x: 1, list: [1, 2], own: { constructor: 'mine', toString: 'also mine' } } } }],
      {
        ctor: '${a.output.constructor}', fn: '${a.output.constructor.constructor}', proto: '${a.output.__proto__}', method: 'v=${a.output.toString}',
        arrayMethod: '${a.output.list.map}', stringMethod: '${inputs.s.slice}', inputProto: '${inputs.s.__proto__}',
        ownCtor: '${a.output.own.constructor}', ownToString: '${a.output.own.toString}', strLen: '${inputs.s.length}', listLen: '${a.output.list.length}', x: '${a.output.x}',
      },
      { s: { type: 'string' } },
    );
    const { result } = await run(p, { s: 'abc' });
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toEqual({
      ctor: null, fn: null, proto: null, method: 'v=', arrayMethod: null, stringMethod: null, inputProto: null,
      ownCtor: 'mine', ownToString: 'also mine', strLen: 3, listLen: 2, x: 1,
    });
    // Nothing leaked into the shared prototype on the way.
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});

describe('skip reasons and late values', () => {
  it('names the first skipped node it reads, in the order the inputs are written', async () => {
    const off = (name: string) => ({ name, type: 'pass', inputs: { value: name }, activate: { when: '${inputs.on}', is: true } });
    const p = plan(
      [off('first'), { name: 'on', type: 'pass', inputs: { value: 1 } }, off('second'), { name: 'both', type: 'pass', inputs: { value: '${on.output}', a: '${first.output}', b: '${second.output}' } }],
      { both: '${both.output}' },
      { on: { type: 'boolean', default: false } },
    );
    expect(nodeOf((await run(p)).result, 'both').skipReason).toBe('it reads node "first", which was skipped');
  });

  it('a node that settles after the run was cancelled changes nothing in the result', async () => {
    let release!: (v: string) => void;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const gate = defineNode({
      type: 'gate_t', title: 'Gate', category: 'test', description: 'returns when released',
      inputs: {}, output: z.any(), config: z.object({}).strict(),
      run: () => new Promise<string>((r) => ((release = r), started())),
    });
    const p = compileFlow(flow([{ name: 'g', type: 'gate_t' }], { out: '${g.output}' }), { registry: testRegistry([gate]) });
    const handle = startRun(p, {});
    const events: string[] = [];
    handle.subscribe((e) => events.push(e.type));
    await running;
    handle.cancel('stop');
    const result = await handle.done;
    release('late');
    // Let the late value's continuation run.
    await new Promise((r) => setImmediate(r));
    expect(result.status).toBe('cancelled');
    expect(nodeOf(result, 'g').status).toBe('cancelled');
    expect(nodeOf(result, 'g').output).toBeUndefined();
    expect(events).not.toContain('node.finished');
  });
});

describe('a node failure is wrapped once', () => {
  // A node whose error already names it (as a timeout does) and one whose error names another node.
  const tagged = defineNode({
    type: 'tagged_t', title: 'Tagged', category: 'test', description: 'throws a WeirError naming a node',
    inputs: {}, output: z.any(), config: z.object({ node: z.string() }).strict(),
    run: (_ctx, _inputs, config) => {
      // A test-only code, outside the catalog on purpose: it can only come from this node.
      throw new WeirError('inner_code' as ErrorCode, `inner failure in ${config.node}`, { node: config.node });
    },
  });
  const p = (node: string) => compileFlow(flow([{ name: 'x', type: 'tagged_t', config: { node } }], { out: '${x.output}' }), { registry: testRegistry([tagged]) });

  it('keeps an error that already names the node as it is, and wraps one that names another', async () => {
    const own = (await run(p('x'))).result.error!;
    expect(own).toMatchObject({ code: 'inner_code', node: 'x', message: 'inner failure in x' });
    expect(own.cause).toBeUndefined();
    const other = (await run(p('elsewhere'))).result.error!;
    expect(other).toMatchObject({ code: 'inner_code', node: 'x', message: 'node "x" failed: inner failure in elsewhere' });
    expect(other.cause).toMatchObject({ node: 'elsewhere' });
  });
});
