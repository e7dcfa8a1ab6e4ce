import { beforeEach, describe, expect, it } from 'vitest';
import { nodeOf, plan, run } from '../../test/helpers/flows.ts';
import { runOnFakeClock } from '../../test/helpers/fake-clock.ts';
import { probe } from '../../test/helpers/test-nodes.ts';
import { serializeTrace } from './trace.ts';

beforeEach(() => probe.reset());

describe('streaming', () => {
  it('streams a flow output chunk by chunk while the rest of the flow runs, and consumers get the joined value', async () => {
    const p = plan(
      [
        { name: 'talk', type: 'stream', inputs: { text: 'one two three four' }, config: { delay_ms: 25 } },
        { name: 'slow', type: 'wait', inputs: { value: 'done' }, config: { ms: 150 } },
        { name: 'len', type: 'pass', inputs: { value: '${talk.output}' } },
      ],
      { answer: '${talk.output}', copy: '${len.output}', other: '${slow.output}' },
    );
    const { result, events } = await runOnFakeClock(p);
    expect(result.outputs).toEqual({ answer: 'one two three four ', copy: 'one two three four ', other: 'done' });
    const chunks = events.filter((e) => e.type === 'output.chunk');
    expect(chunks.map((e) => e.chunk)).toEqual(['one ', 'two ', 'three ', 'four ']);
    expect(chunks.every((e) => e.output === 'answer')).toBe(true);
    // The chunks arrive before the parallel slow branch has finished, not all at the end.
    const slowDone = events.findIndex((e) => e.type === 'node.finished' && e.node === 'slow');
    expect(events.indexOf(chunks[3])).toBeLessThan(slowDone);
    // Each chunk is sent when its word comes (every 25 fake ms), not held back and sent in a burst.
    const t0 = events[0].at;
    expect(chunks.map((e) => e.at - t0)).toEqual([25, 50, 75, 100]);
  });

  it('stops a stream when the run is cancelled', async () => {
    const p = plan([{ name: 'talk', type: 'stream', inputs: { text: 'a b c d e f g h' }, config: { delay_ms: 30 } }], { answer: '${talk.output}' });
    const ctl = new AbortController();
    // On the fake clock the words come at 30 and 60 ms and the cancel at 50: exactly one is sent.
    const { result, events, settledAt } = await runOnFakeClock(p, {}, { signal: ctl.signal }, 10_000, () => setTimeout(() => ctl.abort(), 50));
    expect(result.status).toBe('cancelled');
    expect(settledAt).toBe(50);
    expect(events.filter((e) => e.type === 'output.chunk').map((e) => e.chunk)).toEqual(['a ']);
    expect(probe.aborted).toEqual(['talk']);
  });
});

describe('map', () => {
  const mapped = (extra: object = {}) =>
    plan(
      [{ name: 'each', type: 'wait', inputs: { value: '${map.item}', ms: '${map.item}' }, map: { over: '${inputs.delays}', ...extra } }],
      { out: '${each.output}' },
      { delays: { type: 'list' } },
    );

  it('runs a node over each element with bounded concurrency and keeps input order', async () => {
    const delays = [60, 10, 40, 5, 30, 20, 50, 1];
    const { result } = await run(mapped({ concurrency: 3 }), { delays });
    expect(result.outputs.out).toEqual(delays);
    expect(probe.maxRunning).toBe(3);
    expect(nodeOf(result, 'each').items).toBe(8);
  });

  it('refuses more items than max_items instead of truncating', async () => {
    const { result } = await run(mapped({ max_items: 3 }), { delays: [1, 2, 3, 4] });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('map_too_large');
    expect(result.error?.message).toContain('4 items, more than map.max_items (3)');
  });

  it('names the problem when map.over is not an array at run time', async () => {
    const p = plan([{ name: 'src', type: 'pass', inputs: { value: '${inputs.x}' } }, { name: 'each', type: 'pass', inputs: { value: '${map.item}' }, map: { over: '${src.output}' } }], { out: '${each.output}' }, { x: { type: 'any' } });
    const { result } = await run(p, { x: 'not a list' });
    expect(result.error).toMatchObject({ code: 'map_not_array', node: 'each' });
    expect((await run(p, { x: [] })).result.outputs.out).toEqual([]);
  });

  it('gives each item its index and retries items on their own', async () => {
    const p = plan([{ name: 'idx', type: 'pass', inputs: { value: '${map.index}:${map.item}' }, map: { over: '${inputs.xs}' } }], { out: '${idx.output}' }, { xs: { type: 'list' } });
    expect((await run(p, { xs: ['a', 'b'] })).result.outputs.out).toEqual(['0:a', '1:b']);
  });
});

describe('trace serialization', () => {
  it('truncates large values and notes their size', () => {
    const big = 'x'.repeat(50_000);
    const [t] = serializeTrace([{ node: 'n', type: 'pass', status: 'succeeded', attempts: 1, startMs: 0, endMs: 2, inputs: { value: big }, output: 'small' }], { maxValueChars: 1000 }) as Record<string, unknown>[];
    expect(t.output).toBe('small');
    expect(t.inputs).toMatchObject({ truncated: true, chars: 50_000 + '{"value":""}'.length });
    expect((t.inputs as { preview: string }).preview.length).toBeLessThanOrEqual(200);
    expect(t.duration_ms).toBe(2);
  });
});
