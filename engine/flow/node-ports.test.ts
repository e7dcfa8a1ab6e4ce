/**
 * Ports a node's config makes (`NodeDefinition.ports`, e.g. a Python tool's signature): validation
 * checks bound inputs, required inputs, types and output paths against them, as for fixed ports.
 * And `ctx.logMetric`, prompt flow's log_metric: a run's metrics, a batch's with its aggregation.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runBatch } from '../app/batch/run-batch.ts';
import { defineNode } from '../node-definition.ts';
import { runFlow } from '../run/executor.ts';
import { testRegistry } from '../../test/helpers/test-nodes.ts';
import { compileFlow } from './compile.ts';
import { validateFlow } from './validate.ts';

const Param = z.object({ name: z.string(), type: z.enum(['string', 'integer', 'object']), required: z.boolean() });
const tool = defineNode({
  type: 'tool', title: 'Tool', category: 'test', description: 'ports from config',
  inputs: {}, extraInputs: z.any(), output: z.any(),
  config: z.object({ params: z.array(Param), kwargs: z.boolean().default(false), returns: z.record(z.string(), z.string()).optional(), metric: z.string().optional() }).strict(),
  ports: (c) => ({
    inputs: Object.fromEntries(c.params.map((p) => [p.name, { type: p.type }])),
    required: c.params.filter((p) => p.required).map((p) => p.name),
    extra: c.kwargs,
    ...(c.returns ? { output: { type: 'object', properties: Object.fromEntries(Object.entries(c.returns).map(([k, t]) => [k, { type: t }])) } } : {}),
  }),
  run: (ctx, inputs, c) => {
    if (c.metric) ctx.logMetric(c.metric, Array.isArray(inputs.n) ? inputs.n.length : Number(inputs.n));
    return { ...inputs, label: 'x' };
  },
});
const registry = testRegistry([tool]);

const flowOf = (nodes: object[], outputs: Record<string, string> = {}) => ({ weir: 1, name: 'ports', inputs: { q: { type: 'string', default: 'hi' }, n: { type: 'number', default: 2 } }, outputs, nodes });
const problems = (nodes: object[], outputs?: Record<string, string>) => validateFlow(flowOf(nodes, outputs), { registry }).problems.map((p) => [p.code, p.path.join('.')]);
const params = [{ name: 'query', type: 'string', required: true }, { name: 'k', type: 'integer', required: false }];

describe('ports worked out from a node’s config', () => {
  it('accepts the inputs the config names, typed', () => {
    expect(problems([{ name: 't', type: 'tool', config: { params }, inputs: { query: '${inputs.q}', k: 3 } }])).toEqual([]);
  });

  it('refuses an input the config does not name, listing the ones it does', () => {
    const r = validateFlow(flowOf([{ name: 't', type: 'tool', config: { params }, inputs: { query: 'a', top: 1 } }]), { registry });
    expect(r.problems.map((p) => [p.code, p.path.join('.')])).toEqual([['unknown_input_port', 'nodes.0.inputs.top']]);
    expect(r.problems[0].message).toContain('(inputs: query, k)');
  });

  it('takes any extra input when the config says so (a **kwargs)', () => {
    expect(problems([{ name: 't', type: 'tool', config: { params, kwargs: true }, inputs: { query: 'a', top: 1 } }])).toEqual([]);
  });

  it('names a required input that is not bound', () => {
    expect(problems([{ name: 't', type: 'tool', config: { params }, inputs: { k: 1 } }])).toEqual([['missing_required_input', 'nodes.0.inputs']]);
  });

  it('type-checks references and literals against the config’s port types', () => {
    expect(problems([{ name: 't', type: 'tool', config: { params }, inputs: { query: '${inputs.q}', k: '${inputs.q}' } }])).toEqual([['type_mismatch', 'nodes.0.inputs.k']]);
    expect(problems([{ name: 't', type: 'tool', config: { params }, inputs: { query: 'a', k: 'three' } }])).toEqual([['type_mismatch', 'nodes.0.inputs.k']]);
  });

  it('checks paths into the output the config declares', () => {
    const nodes = [{ name: 't', type: 'tool', config: { params, returns: { label: 'string' } }, inputs: { query: 'a' } }];
    expect(problems(nodes, { ok: '${t.output.label}' })).toEqual([]);
    expect(problems(nodes, { bad: '${t.output.score}' }).map(([c]) => c)).toEqual(['unknown_output_field']);
  });
});

describe('ctx.logMetric (prompt flow’s log_metric)', () => {
  it('gives a run its metrics', async () => {
    const plan = compileFlow(flowOf([{ name: 't', type: 'tool', config: { params, kwargs: true, metric: 'count' }, inputs: { query: 'a', n: '${inputs.n}' } }]), { registry });
    const r = await runFlow(plan, { n: 5 });
    expect(r.metrics).toEqual({ count: 5 });
  });

  it('refuses a metric that is not a finite number, naming the node', async () => {
    const plan = compileFlow(flowOf([{ name: 't', type: 'tool', config: { params, kwargs: true, metric: 'count' }, inputs: { query: 'a', n: 'many' } }]), { registry });
    const r = await runFlow(plan, {});
    expect(r.status).toBe('failed');
    expect(r.error?.code).toBe('invalid_metric');
    expect(r.error?.message).toContain('node "t"');
  });

  it('adds what an aggregation node logs to a batch’s metrics', async () => {
    const plan = compileFlow(
      flowOf([
        { name: 'line', type: 'tool', config: { params }, inputs: { query: '${inputs.q}' } },
        { name: 'agg', type: 'tool', aggregation: true, config: { params: [], kwargs: true, metric: 'lines' }, inputs: { n: '${line.output}' } },
      ]),
      { registry },
    );
    const r = await runBatch({ plan, lines: [{ q: 'a' }, { q: 'b' }, { q: 'c' }].map((value) => ({ ok: true as const, value })) });
    expect(r.metrics).toEqual({ lines: 3 });
  });
});
