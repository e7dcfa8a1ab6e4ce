import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { compileFlow } from '../flow/compile.ts';
import { validateFlow } from '../flow/validate.ts';
import { defineNode } from '../node-definition.ts';
import { probe, testRegistry } from '../../test/helpers/test-nodes.ts';
import { runFlow } from './executor.ts';
import { withSubflows } from './subflows.ts';

// The engine's own view of a sub-flow node: the real one lives in nodes/flow.ts.
const subflow = defineNode({
  type: 'subflow', title: 'Flow', category: 'test', description: 'runs a flow', inputs: {}, extraInputs: z.any(),
  output: z.record(z.string(), z.any()), config: z.object({ flow: z.string() }).strict(),
  flowDependencies: (c) => [c.flow],
  run: (ctx, inputs, c) => ctx.runFlow(c.flow, inputs),
});
const registry = testRegistry([subflow]);

const flows: Record<string, unknown> = {
  inner: { weir: 1, name: 'inner', inputs: { x: { type: 'string' } }, outputs: { y: '${u.output.ok}', x: '${p.output}' }, nodes: [{ name: 'p', type: 'pass', inputs: { value: '<${inputs.x}>' } }, { name: 'u', type: 'usage', config: { prompt: 2, completion: 1 } }] },
  outer: { weir: 1, name: 'outer', inputs: { q: { type: 'string' } }, outputs: { r: '${call.output.x}' }, nodes: [{ name: 'call', type: 'subflow', inputs: { x: '${inputs.q}' }, config: { flow: 'inner' } }] },
  slow: { weir: 1, name: 'slow', outputs: { w: '${w.output}' }, nodes: [{ name: 'w', type: 'wait', inputs: { value: 1 }, config: { ms: 5000 } }] },
  callsSlow: { weir: 1, name: 'callsSlow', outputs: { r: '${c.output}' }, nodes: [{ name: 'c', type: 'subflow', config: { flow: 'slow' } }] },
  a: { weir: 1, name: 'a', outputs: { r: '${c.output}' }, nodes: [{ name: 'c', type: 'subflow', config: { flow: 'b' } }] },
  b: { weir: 1, name: 'b', outputs: { r: '${c.output}' }, nodes: [{ name: 'c', type: 'subflow', config: { flow: 'a' } }] },
};
const env = { registry, resolveFlow: (name: string) => flows[name] };
const host = withSubflows({}, (name) => compileFlow(flows[name], env));

describe('sub-flows', () => {
  it('runs another flow by name and adds its usage to the caller', async () => {
    const r = await runFlow(compileFlow(flows.outer, env), { q: 'hi' }, { host });
    expect(r.status).toBe('succeeded');
    expect(r.outputs).toEqual({ r: '<hi>' });
    expect(r.usage.total_tokens).toBe(3);
    expect(r.trace[0].usage?.total_tokens).toBe(3);
  });

  it('cancels the sub-flow when the parent is cancelled', async () => {
    probe.reset();
    const ctl = new AbortController();
    const pending = runFlow(compileFlow(flows.callsSlow, env), {}, { host, signal: ctl.signal });
    await vi.waitFor(() => expect(probe.running).toBe(1)); // the sub-flow's 5 s node has started
    ctl.abort();
    const r = await pending;
    expect(r.status).toBe('cancelled');
    // The sub-flow's node got the abort and stopped: it is not left running behind a cancelled parent.
    expect(probe.aborted).toEqual(['w']);
    expect(probe.running).toBe(0);
  });

  it('detects recursion between flows at validation, naming the chain', () => {
    const v = validateFlow(flows.a, env);
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual(expect.objectContaining({ code: 'flow_recursion', node: 'c', message: expect.stringContaining('a → b → a') }));
  });

  it('reports a sub-flow that does not exist', () => {
    const v = validateFlow({ ...(flows.outer as object), nodes: [{ name: 'call', type: 'subflow', config: { flow: 'nope' } }] }, env);
    expect(v.problems).toContainEqual(expect.objectContaining({ code: 'unknown_flow', node: 'call' }));
  });
});
