import { beforeEach, describe, expect, it } from 'vitest';
import { nodeOf, plan, run } from '../../test/helpers/flows.ts';
import { runOnFakeClock } from '../../test/helpers/fake-clock.ts';
import { probe } from '../../test/helpers/test-nodes.ts';
import { startRun } from './executor.ts';

beforeEach(() => probe.reset());

const waitNode = (name: string, ms: number, value: string = name, extra: object = {}) => ({ name, type: 'wait', inputs: { value }, config: { ms }, ...extra });

describe('parallel branches', () => {
  it('runs independent branches at the same time: run time is the longest branch, not the sum', async () => {
    const p = plan(
      [waitNode('a', 200), waitNode('b', 200), waitNode('c', 200), waitNode('d', 200),
        { name: 'join', type: 'pass', inputs: { value: '${a.output}${b.output}${c.output}${d.output}' } }],
      { out: '${join.output}' },
    );
    const { result, events, settledAt } = await runOnFakeClock(p);
    expect(result.status).toBe('succeeded');
    expect(result.outputs.out).toBe('abcd');
    expect(probe.maxRunning).toBe(4);
    // All four start before any finishes, and on the fake clock the run takes one branch's 200 ms.
    const order = events.filter((e) => e.type === 'node.started' || e.type === 'node.finished').map((e) => `${e.type} ${e.node}`);
    expect(order.slice(0, 4).sort()).toEqual(['node.started a', 'node.started b', 'node.started c', 'node.started d']);
    expect(settledAt).toBe(200); // the sum would be 800
  });

  it('never runs more nodes at once than the concurrency limit', async () => {
    const p = plan([1, 2, 3, 4, 5, 6].map((i) => waitNode(`w${i}`, 30)), Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`o${i}`, `\${w${i}.output}`])));
    const { result } = await run(p, {}, { concurrency: 2 });
    expect(result.status).toBe('succeeded');
    expect(probe.maxRunning).toBe(2);
  });

  it('shares one plan between concurrent runs without mixing their values', async () => {
    const p = plan([{ name: 'w', type: 'wait', inputs: { value: '${inputs.x}', ms: '${inputs.ms}' } }, { name: 'echo', type: 'pass', inputs: { value: 'got ${w.output}' } }], { out: '${echo.output}' }, { x: { type: 'string' }, ms: { type: 'number' } });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => run(p, { x: `v${i}`, ms: 20 - i })));
    results.forEach(({ result }, i) => expect(result.outputs.out).toBe(`got v${i}`));
    expect(new Set(results.map((r) => r.result.runId)).size).toBe(20);
  });
});

describe('activate and skipping', () => {
  const branching = () =>
    plan(
      [
        { name: 'yes', type: 'pass', inputs: { value: 'took yes' }, activate: { when: '${inputs.mode}', is: 'yes' } },
        { name: 'no', type: 'pass', inputs: { value: 'took no' }, activate: { when: '${inputs.mode}', is: 'no' } },
        { name: 'after_yes', type: 'pass', inputs: { value: '${yes.output}' } },
        { name: 'pick', type: 'coalesce_t', inputs: { a: '${yes.output}', b: '${no.output}' } },
      ],
      { picked: '${pick.output}', after: '${after_yes.output}' },
      { mode: { type: 'string' } },
    );

  it('skips a node whose condition is not met, spreads the skip, and explains null outputs', async () => {
    const { result, events } = await run(branching(), { mode: 'no' });
    expect(result.status).toBe('succeeded');
    expect(nodeOf(result, 'yes').status).toBe('skipped');
    expect(nodeOf(result, 'yes').skipReason).toContain('${inputs.mode} is "no", not "yes"');
    expect(nodeOf(result, 'after_yes').status).toBe('skipped');
    expect(nodeOf(result, 'after_yes').skipReason).toContain('every node it reads was skipped (yes)');
    expect(result.outputs).toEqual({ picked: 'took no', after: null });
    expect(result.nullOutputs.after).toContain('node "after_yes" was skipped');
    expect(events.filter((e) => e.type === 'node.skipped').map((e) => (e as { node: string }).node)).toEqual(['yes', 'after_yes']);
  });

  it('lets a node that accepts skipped inputs run with what is there', async () => {
    const { result } = await run(branching(), { mode: 'yes' });
    expect(result.outputs).toEqual({ picked: 'took yes', after: 'took yes' });
    expect(nodeOf(result, 'pick').status).toBe('succeeded');
  });

  it('skips a node that reads a skipped node and does not accept skipped inputs, even when it reads others too', async () => {
    const p = plan(
      [
        { name: 'off', type: 'pass', inputs: { value: 1 }, activate: { when: '${inputs.on}', is: true } },
        { name: 'on', type: 'pass', inputs: { value: 2 } },
        { name: 'both', type: 'pass', inputs: { value: '${on.output}', other: '${off.output}' } },
      ],
      { both: '${both.output}', on: '${on.output}' },
      { on: { type: 'boolean', default: false } },
    );
    const { result } = await run(p);
    expect(nodeOf(result, 'both').skipReason).toBe('it reads node "off", which was skipped');
    expect(result.outputs).toEqual({ both: null, on: 2 });
  });
});

describe('trace and events', () => {
  it('records every node with timing, attempts, inputs, output and usage, and events in order', async () => {
    const p = plan(
      [{ name: 'a', type: 'wait', inputs: { value: '${inputs.x}' }, config: { ms: 5 } }, { name: 'u', type: 'usage', inputs: { after: '${a.output}' }, config: { prompt: 7, completion: 3 } }],
      { a: '${a.output}', u: '${u.output.ok}' },
      { x: { type: 'string' } },
    );
    const { result, events } = await runOnFakeClock(p, { x: 'hi' });
    const a = nodeOf(result, 'a');
    expect(a).toMatchObject({ status: 'succeeded', attempts: 1, inputs: { value: 'hi' }, output: 'hi' });
    expect(a.endMs! - a.startMs!).toBe(5); // the node's 5 ms on the fake clock
    expect(nodeOf(result, 'u').startMs).toBeGreaterThanOrEqual(a.endMs!);
    expect(nodeOf(result, 'u').usage).toEqual({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
    expect(result.usage.total_tokens).toBe(10);
    expect(events.map((e) => e.type)).toEqual(['run.started', 'node.started', 'node.finished', 'node.started', 'node.finished', 'run.finished']);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.every((e) => e.runId === result.runId)).toBe(true);
  });

  it('lets late subscribers follow a run through its handle', async () => {
    const p = plan([waitNode('a', 20)], { a: '${a.output}' });
    const handle = startRun(p, {});
    const seen: string[] = [];
    handle.subscribe((e) => seen.push(e.type));
    await handle.done;
    expect(seen).toEqual(['node.finished', 'run.finished']);
  });
});
