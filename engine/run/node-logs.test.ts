import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileFlow } from '../flow/compile.ts';
import { defineNode, type LogLevel } from '../node-definition.ts';
import { probe, testRegistry } from '../../test/helpers/test-nodes.ts';
import { runFlow } from './executor.ts';
import type { RunHost } from './node-context.ts';
import { withSubflows } from './subflows.ts';
import { MAX_NODE_LOGS, serializeTrace } from './trace.ts';

// A node that says what it is told to: `lines` of [level, message, data?], then fails its first `failures` attempts.
const say = defineNode({
  type: 'say', title: 'Say', category: 'test', description: 'logs lines, maybe fails',
  inputs: { lines: z.array(z.tuple([z.enum(['debug', 'info', 'warn', 'error']), z.string()]).rest(z.any())) }, output: z.any(),
  config: z.object({ failures: z.number().int().default(0), mapped: z.boolean().default(false) }).strict(),
  run: async (ctx, inputs, config) => {
    for (const [level, message, data] of inputs.lines) ctx.log(level as LogLevel, message, data);
    const key = `${ctx.runId}/${ctx.node}`;
    const n = (probe.attempts.get(key) ?? 0) + 1;
    probe.attempts.set(key, n);
    if (n <= config.failures) throw Object.assign(new Error(`attempt ${n} fails on purpose`), { retryable: true });
    return inputs.lines.length;
  },
});
const subflow = defineNode({
  type: 'subflow', title: 'Flow', category: 'test', description: 'runs a flow', inputs: {}, extraInputs: z.any(),
  output: z.record(z.string(), z.any()), config: z.object({ flow: z.string() }).strict(),
  flowDependencies: (c) => [c.flow],
  run: (ctx, inputs, c) => ctx.runFlow(c.flow, inputs),
});
// Logs what no flow document can hold: a cycle and a BigInt (a node may log any object it has).
const odd = defineNode({
  type: 'odd', title: 'Odd', category: 'test', description: 'logs data that is not JSON', inputs: {}, output: z.any(), config: z.object({}).strict(),
  run: (ctx) => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    ctx.log('info', 'cyclic', cyclic);
    ctx.log('info', 'big', { n: 10n });
    ctx.log('info', 'fine', { n: 1 });
    return null;
  },
});
const registry = testRegistry([say, subflow, odd]);
const doc = (nodes: object[], outputs: Record<string, string> = {}, name = 'logs') => ({ weir: 1, name, inputs: { lines: { type: 'array', default: [] } }, outputs, nodes });
const plan = (nodes: object[], outputs?: Record<string, string>) => compileFlow(doc(nodes, outputs), { registry });
const hostLog = () => {
  const seen: { node: string; level: LogLevel; message: string; data?: unknown }[] = [];
  const host: RunHost = { log: ({ node, level, message, data }) => void seen.push({ node, level, message, data }) };
  return { seen, host };
};

beforeEach(() => probe.reset());

describe("a node's log lines in its trace entry", () => {
  it('keeps each ctx.log line on the node that logged it, in order, and still hands it to the host', async () => {
    const { seen, host } = hostLog();
    const p = plan([
      { name: 'a', type: 'say', inputs: { lines: [['info', 'llm round 1: the model called get_weather', { round: 1, tool: 'get_weather', call_id: 'c1' }], ['warn', 'tool slow']] } },
      { name: 'quiet', type: 'pass', inputs: { value: '${a.output}' } },
    ], { n: '${quiet.output}' });
    const r = await runFlow(p, {}, { host });
    expect(r.status).toBe('succeeded');
    const a = r.trace.find((t) => t.node === 'a')!;
    expect(a.logs).toEqual([
      { level: 'info', message: 'llm round 1: the model called get_weather', data: { round: 1, tool: 'get_weather', call_id: 'c1' }, atMs: expect.any(Number) },
      { level: 'warn', message: 'tool slow', atMs: expect.any(Number) },
    ]);
    expect(a.logs![0].atMs).toBeGreaterThanOrEqual(a.startMs!);
    expect(a.logs![1].atMs).toBeGreaterThanOrEqual(a.logs![0].atMs);
    // A node that logs nothing has no logs at all, not an empty list.
    expect(r.trace.find((t) => t.node === 'quiet')!).not.toHaveProperty('logs');
    expect(seen.map((s) => `${s.node} ${s.level} ${s.message}`)).toEqual(['a info llm round 1: the model called get_weather', 'a warn tool slow']);
  });

  it('serializes the lines as at_ms, with data cut down as values are and long messages cut with their size', async () => {
    const big = 'x'.repeat(5000);
    const p = plan([{ name: 'a', type: 'say', inputs: { lines: [['info', 'short', { result: big }], ['error', big]] } }]);
    const r = await runFlow(p);
    const [a] = serializeTrace(r.trace, { maxValueChars: 1000 }) as { logs: Record<string, unknown>[] }[];
    expect(a.logs).toHaveLength(2);
    expect(a.logs[0]).toEqual({ level: 'info', message: 'short', at_ms: expect.any(Number), data: { truncated: true, chars: 5013, preview: expect.stringMatching(/^\{"result":"x+/) } });
    expect(a.logs[1].message).toBe(`${'x'.repeat(1000)}… (5000 characters in all)`);
    expect(a.logs[1]).not.toHaveProperty('data');
    // The serialized trace is plain JSON.
    expect(JSON.parse(JSON.stringify(a.logs))).toEqual(a.logs);
  });

  it(`keeps at most ${MAX_NODE_LOGS} lines per node and ends with one line saying how many were dropped`, async () => {
    const lines = Array.from({ length: MAX_NODE_LOGS + 37 }, (_, i) => ['debug', `line ${i}`]);
    const { seen, host } = hostLog();
    const r = await runFlow(plan([{ name: 'chatty', type: 'say', inputs: { lines } }]), {}, { host });
    expect(r.trace[0].logs).toHaveLength(MAX_NODE_LOGS);
    expect(r.trace[0].droppedLogs).toBe(37);
    const [t] = serializeTrace(r.trace) as { logs: Record<string, unknown>[] }[];
    expect(t.logs).toHaveLength(MAX_NODE_LOGS + 1);
    expect(t.logs[MAX_NODE_LOGS - 1].message).toBe(`line ${MAX_NODE_LOGS - 1}`);
    expect(t.logs[MAX_NODE_LOGS]).toEqual({ level: 'warn', message: `37 more log lines were dropped: a node keeps at most ${MAX_NODE_LOGS} in its trace`, at_ms: expect.any(Number), dropped: 37 });
    // The host's log is not bounded by the trace's: it sees every line, as before.
    expect(seen).toHaveLength(MAX_NODE_LOGS + 37);
  });

  it('leaves the data out when the run keeps no values (traceValues: false), but keeps the messages', async () => {
    const { seen, host } = hostLog();
    const r = await runFlow(plan([{ name: 'a', type: 'say', inputs: { lines: [['info', 'called', { secret: 'the user input' }]] } }]), {}, { host, traceValues: false });
    expect(r.trace[0].logs).toEqual([{ level: 'info', message: 'called', atMs: expect.any(Number) }]);
    expect(JSON.stringify(serializeTrace(r.trace))).not.toContain('the user input');
    expect(seen[0].data).toEqual({ secret: 'the user input' });
  });

  it("marks a retried node's lines with their attempt, keeping the failed attempt's lines too", async () => {
    const p = plan([{ name: 'a', type: 'say', inputs: { lines: [['info', 'trying']] }, config: { failures: 1 }, retry: { max_attempts: 2, backoff: 1, jitter: false } }]);
    const r = await runFlow(p);
    expect(r.status).toBe('succeeded');
    expect(r.trace[0].logs).toEqual([
      { level: 'info', message: 'trying', atMs: expect.any(Number) },
      { level: 'info', message: 'trying', atMs: expect.any(Number), attempt: 2 },
    ]);
  });

  it("keeps a failed node's lines: they often say why it failed", async () => {
    const r = await runFlow(plan([{ name: 'a', type: 'say', inputs: { lines: [['error', 'upstream said 500']] }, config: { failures: 1 } }]));
    expect(r.status).toBe('failed');
    expect(r.trace[0].status).toBe('failed');
    expect(r.trace[0].logs?.map((l) => l.message)).toEqual(['upstream said 500']);
  });

  it("gathers a mapped node's lines from every item on its one trace entry", async () => {
    const p = plan([{ name: 'm', type: 'say', map: { over: '${inputs.lines}' }, inputs: { lines: '${map.item}' } }]);
    const r = await runFlow(p, { lines: [[['info', 'one']], [['info', 'two']], [['info', 'three']]] });
    expect(r.status).toBe('succeeded');
    expect(r.trace[0].logs?.map((l) => l.message).sort()).toEqual(['one', 'three', 'two']);
  });

  it("leaves a sub-flow's lines in the sub-flow's own run, not the calling node's entry", async () => {
    const flows: Record<string, unknown> = {
      inner: doc([{ name: 'deep', type: 'say', inputs: { lines: [['info', 'inside the tool flow']] } }], { n: '${deep.output}' }, 'inner'),
      outer: doc([{ name: 'call', type: 'subflow', config: { flow: 'inner' } }, { name: 'after', type: 'say', inputs: { lines: [['info', 'outside']] } }], { r: '${call.output.n}' }, 'outer'),
    };
    const env = { registry, resolveFlow: (name: string) => flows[name] };
    const { seen, host } = hostLog();
    const r = await runFlow(compileFlow(flows.outer, env), {}, { host: withSubflows(host, (name) => compileFlow(flows[name], env)) });
    expect(r.status).toBe('succeeded');
    expect(r.trace.find((t) => t.node === 'call')).not.toHaveProperty('logs');
    expect(r.trace.find((t) => t.node === 'after')!.logs?.map((l) => l.message)).toEqual(['outside']);
    // The host hears both, each under its own node, as it did before traces kept them.
    expect(seen.map((s) => `${s.node}: ${s.message}`).sort()).toEqual(['after: outside', 'deep: inside the tool flow']);
  });

  it("keeps an aggregation node's lines on its entry in the single run's trace", async () => {
    const p = compileFlow(doc([
      { name: 'line', type: 'say', inputs: { lines: [['info', 'per line']] } },
      { name: 'agg', type: 'say', aggregation: true, inputs: { lines: [['info', 'over all lines', { n: '${line.output}' }]] } },
    ]), { registry });
    const r = await runFlow(p);
    expect(r.status).toBe('succeeded');
    expect(r.trace.find((t) => t.node === 'agg')!.logs?.map((l) => l.message)).toEqual(['over all lines']);
  });
});

describe('log data that is not JSON', () => {
  it('becomes a note naming why, as the store keeps one, instead of failing the whole serialized trace', async () => {
    const r = await runFlow(plan([{ name: 'a', type: 'odd' }]));
    const [a] = serializeTrace(r.trace) as { logs: { message: string; data?: unknown }[] }[];
    expect(a.logs.map((l) => [l.message, l.data])).toEqual([
      ['cyclic', { unserializable: expect.stringMatching(/circular/i) }],
      ['big', { unserializable: expect.stringMatching(/BigInt/) }],
      ['fine', { n: 1 }],
    ]);
  });
});
