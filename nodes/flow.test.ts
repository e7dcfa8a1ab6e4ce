import { describe, expect, test } from 'vitest';
import { WeirError } from '../engine/errors.ts';
import { flowNode } from './flow.ts';
import { makeContext, runNode } from '../test/helpers/nodes/test-context.ts';

describe('flow node', () => {
  test('declares the flow it runs, so validation can find sub-flow recursion', () => {
    expect(flowNode.flowDependencies!(flowNode.config.parse({ flow: 'summarise' }))).toEqual(['summarise']);
  });

  test('runs the named flow with the node inputs and outputs its outputs', async () => {
    const ctx = makeContext({ runFlow: async (name, inputs) => ({ answer: `${name}:${String(inputs.question)}` }) });
    const out = await runNode(flowNode, { flow: 'qa' }, { question: 'why?', n: 2 }, ctx);
    expect(out).toEqual({ answer: 'qa:why?' });
    expect(ctx.flowCalls).toEqual([{ name: 'qa', inputs: { question: 'why?', n: 2 } }]);
  });

  test('a failing sub-flow rejects the node with the sub-flow’s error', async () => {
    const boom = new WeirError('flow_not_found', 'flow "nope" does not exist');
    const ctx = makeContext({ runFlow: async () => Promise.reject(boom) });
    await expect(runNode(flowNode, { flow: 'nope' }, {}, ctx)).rejects.toBe(boom);
  });

  test('does not start the sub-flow when already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const ctx = makeContext({ signal: controller.signal });
    await expect(runNode(flowNode, { flow: 'qa' }, {}, ctx)).rejects.toThrow('stop');
    expect(ctx.flowCalls).toEqual([]);
  });

  test('the flow name is required and non-empty', () => {
    expect(flowNode.config.safeParse({}).success).toBe(false);
    expect(flowNode.config.safeParse({ flow: '' }).success).toBe(false);
  });
});
