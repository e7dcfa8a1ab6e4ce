import { describe, expect, it } from 'vitest';
import { compileFlow } from '../flow/compile.ts';
import { validateFlow } from '../flow/validate.ts';
import { NodeRegistry } from '../registry.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { runFlow } from './executor.ts';
import { aggregationInputs, metricsOf } from './aggregation.ts';

const registry = new NodeRegistry(builtinNodes);

const scored = (extra: object[] = [], outputs: Record<string, string> = { score: '${score.output}' }) => ({
  weir: 1,
  name: 'scored',
  inputs: { x: { type: 'number' }, label: { type: 'string', default: 'a' } },
  outputs,
  nodes: [
    { name: 'score', type: 'transform', inputs: { x: '${inputs.x}' }, config: { expression: 'x * 2' } },
    {
      name: 'stats',
      type: 'transform',
      aggregation: true,
      inputs: { scores: '${score.output}', labels: '${inputs.label}' },
      config: { expression: '{"mean": $average(scores), "count": $count(scores), "labels": $join(labels, ",")}' },
    },
    ...extra,
  ],
});

describe('aggregation nodes: validation', () => {
  it('accepts an aggregation node reading line nodes and inputs, without an unused-node warning', () => {
    const r = validateFlow(scored(), { registry });
    expect(r.problems).toEqual([]);
  });

  it('refuses a line node reading an aggregation node, naming the node and the field', () => {
    const r = validateFlow(scored([{ name: 'late', type: 'transform', inputs: { m: '${stats.output.mean}' }, config: { expression: 'm' } }], { score: '${score.output}', late: '${late.output}' }), { registry });
    const p = r.problems.find((x) => x.code === 'aggregation_reference');
    expect(p).toMatchObject({ node: 'late', path: ['nodes', 2, 'inputs', 'm'] });
    expect(p!.message).toContain('"stats" is an aggregation node');
  });

  it('refuses a flow output reading an aggregation node', () => {
    const r = validateFlow(scored([], { score: '${score.output}', mean: '${stats.output.mean}' }), { registry });
    expect(r.problems.find((x) => x.code === 'aggregation_reference')).toMatchObject({ path: ['outputs', 'mean'] });
  });

  it('lets an aggregation node read another one (its value, not a list)', async () => {
    const p = compileFlow(scored([{ name: 'final', type: 'transform', aggregation: true, inputs: { s: '${stats.output}' }, config: { expression: '{"double_mean": s.mean * 2}' } }]), { registry });
    const r = await runFlow(p, { x: 3 });
    expect(r.metrics).toEqual({ mean: 6, count: 1, double_mean: 12 });
  });
});

describe('aggregation nodes: runs', () => {
  it('a single run runs them over one-element lists (as pf flow test does) and returns metrics', async () => {
    const p = compileFlow(scored(), { registry });
    expect(p.nodes.map((n) => n.name)).toEqual(['score']);
    const r = await runFlow(p, { x: 5 });
    expect(r.status).toBe('succeeded');
    expect(r.outputs).toEqual({ score: 10 });
    expect(r.metrics).toEqual({ mean: 10, count: 1 });
    expect(r.aggregationOutputs).toEqual({ stats: { mean: 10, count: 1, labels: 'a' } });
    expect(r.trace.map((t) => [t.node, t.status])).toEqual([['score', 'succeeded'], ['stats', 'succeeded']]);
  });

  it('with aggregate: false the line gives what they read, and a stage run over many lines gives lists', async () => {
    const p = compileFlow(scored(), { registry });
    const lines = [];
    for (const x of [1, 2, 6]) {
      const r = await runFlow(p, { x, label: `l${x}` }, { aggregate: false });
      expect(r.metrics).toBeUndefined();
      lines.push(r.aggregationInputs!);
    }
    const stage = p.aggregation!;
    const inputs = aggregationInputs(stage, lines);
    expect(Object.values(inputs)).toEqual([[2, 4, 12], ['l1', 'l2', 'l6']]);
    const agg = await runFlow(stage.plan, inputs);
    expect(metricsOf(agg.outputs)).toEqual({ mean: 6, count: 3 });
  });

  it('a failing aggregation node fails a single run with its error', async () => {
    const p = compileFlow(scored([{ name: 'bad', type: 'transform', aggregation: true, inputs: { s: '${score.output}' }, config: { expression: '$error("no metric")' } }]), { registry });
    const r = await runFlow(p, { x: 1 });
    expect(r.status).toBe('failed');
    expect(r.error?.node).toBe('bad');
  });

  it('metrics keep only finite numbers: a number output by node name, object fields by field name', () => {
    expect(metricsOf({ a: 0.5, b: { f1: 1, s: 'x', n: null, inf: Infinity }, c: [1, 2], d: 'x' })).toEqual({ a: 0.5, f1: 1 });
  });
});
