/**
 * Validation scales with the flow: every walk over the graph keeps its own stack, so a 100 000-node
 * chain validates, compiles and runs (a recursive walk overflowed the call stack at 10 000), and a
 * flow past the limits gets one problem naming the limit instead of an exception.
 */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { chainFlow, deepList } from '../../test/helpers/big-flows.ts';
import { testRegistry } from '../../test/helpers/test-nodes.ts';
import { defineNode } from '../node-definition.ts';
import { runFlow } from '../run/executor.ts';
import { compileFlow } from './compile.ts';
import { MAX_FLOW_NODES, MAX_PROBLEMS } from './limits.ts';
import { MAX_NESTING } from './nesting.ts';
import { validateFlow } from './validate.ts';

// A sub-flow node type of its own (engine tests do not import nodes/).
const subNode = defineNode({
  type: 'sub', title: 'Sub', category: 'test', description: 'runs a flow', inputs: {}, extraInputs: z.any(), output: z.any(),
  config: z.object({ flow: z.string() }).strict(), flowDependencies: (c) => [c.flow], run: () => null,
});
const registry = testRegistry([subNode]);
const BIG = 100_000;

describe('a 100 000-node chain', () => {
  const doc = chainFlow(BIG);

  it('validates with no problem, compiles, and runs through every node', async () => {
    const v = validateFlow(doc, { registry });
    expect(v.problems).toEqual([]);
    const plan = compileFlow(doc, { registry });
    const r = await runFlow(plan, { x: 'through' }, { traceValues: false });
    expect(r.status).toBe('succeeded');
    expect(r.outputs).toEqual({ out: 'through' });
    expect(r.trace.filter((t) => t.status === 'succeeded')).toHaveLength(BIG);
  });

  it('runs when every node is skipped in turn (each skip completes the next one synchronously)', async () => {
    const plan = compileFlow(chainFlow(BIG, { gate: true }), { registry });
    const r = await runFlow(plan, { x: 'x', go: false }, { traceValues: false });
    expect(r.status).toBe('succeeded');
    expect(r.trace.every((t) => t.status === 'skipped')).toBe(true);
    expect(r.nullOutputs.out).toContain('was skipped');
  });

  it('names a cycle through all of its nodes once, in a message of readable length', () => {
    const v = validateFlow(chainFlow(BIG, { cycle: true }), { registry });
    const cycles = v.problems.filter((p) => p.code === 'cycle');
    expect(cycles).toHaveLength(1);
    // Each node reads the one before it, and n0 reads n99999: followed along what each node reads.
    expect(cycles[0].message).toMatch(/^cycle of 100000 nodes: n0 → n99999 → n99998 → .* → … 99989 more … → n2 → n1 → n0$/);
    expect(cycles[0].message.length).toBeLessThan(200);
  });

  it('finds that an output can never have a value when the head of the chain never runs', () => {
    const doc = chainFlow(BIG);
    (doc.nodes as Record<string, unknown>[])[0].activate = { when: 'a', is: 'b' };
    const v = validateFlow(doc, { registry });
    expect(v.problems.map((p) => `${p.code}@${p.node}`)).toEqual(['unreachable_output@n99999']);
  });
});

describe('limits', () => {
  it('refuses one node more than the limit with one problem naming it', () => {
    const v = validateFlow(chainFlow(MAX_FLOW_NODES + 1), { registry });
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([{ code: 'too_many_nodes', message: 'the flow has 100,001 nodes; a flow may have at most 100,000 (split it into sub-flows)', path: ['nodes'] }]);
  });

  it('refuses a value nested 100 000 deep, and a value that contains itself, as too deep', () => {
    const doc = chainFlow(2);
    (doc.nodes as Record<string, unknown>[])[1].inputs = { value: deepList(100_000) };
    const deep = validateFlow(doc, { registry });
    expect(deep.problems.map((p) => p.code)).toEqual(['too_deep']);
    expect(deep.problems[0].path.slice(0, 5)).toEqual(['nodes', 1, 'inputs', 'value', 0]);
    expect(deep.problems[0].path).toHaveLength(MAX_NESTING);
    const loop: unknown[] = [];
    loop.push(loop);
    (doc.nodes as Record<string, unknown>[])[1].inputs = { value: loop };
    expect(validateFlow(doc, { registry }).problems.map((p) => p.code)).toEqual(['too_deep']);
    expect(() => compileFlow(doc, { registry })).toThrow(/deeper than 64 levels/);
  });

  it('lists the first thousand problems of a flow wrong in every node, and how many more there are', () => {
    const doc = chainFlow(5000, { type: 'no-such-type' });
    const v = validateFlow(doc, { registry });
    expect(v.problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(v.problems.slice(0, MAX_PROBLEMS).every((p) => p.code === 'unknown_node_type')).toBe(true);
    expect(v.problems[MAX_PROBLEMS]).toMatchObject({ code: 'too_many_problems', message: '4,000 more problems are not listed (the first 1,000 are)' });
    expect(v.problems[MAX_PROBLEMS].severity).toBeUndefined();
  });
});

describe('sub-flows nested as deep as there are flows', () => {
  // f0 runs f1, which runs f2 … f{n-1}; `last` is what f{n-1} runs.
  const flows = (n: number, last?: string) => {
    const byName = new Map<string, unknown>();
    for (let i = 0; i < n; i++) {
      const runs = i < n - 1 ? `f${i + 1}` : last;
      const nodes = runs ? [{ name: 's', type: 'sub', config: { flow: runs } }] : [{ name: 's', type: 'pass' }];
      byName.set(`f${i}`, { weir: 1, name: `f${i}`, outputs: { o: '${s.output}' }, nodes });
    }
    return byName;
  };

  it('follows a chain of 20 000 sub-flows, and finds the loop at its end', () => {
    const ok = flows(20_000);
    expect(validateFlow(ok.get('f0'), { registry, resolveFlow: (n) => ok.get(n) }).problems).toEqual([]);
    const looped = flows(20_000, 'f0');
    const v = validateFlow(looped.get('f0'), { registry, resolveFlow: (n) => looped.get(n) });
    expect(v.problems.map((p) => `${p.code}@${p.node}`)).toEqual(['flow_recursion@s']);
    expect(v.problems[0].message).toMatch(/: f0 → f1 → f2 → .* → f19999 → f0$/);
  });
});
