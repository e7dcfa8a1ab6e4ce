import { z } from 'zod';
import { defineNode } from '../engine/node-definition.ts';

export const flowNode = defineNode({
  type: 'flow',
  title: 'Sub-flow',
  category: 'control',
  description: 'Runs another flow with the node inputs as its inputs and outputs that flow’s outputs.',
  inputs: {},
  extraInputs: z.any(),
  output: z.record(z.string(), z.any()),
  config: z
    .object({
      flow: z.string().min(1).describe('Name of the flow to run.'),
    })
    .strict(),
  // Declared so validation can refuse a flow that (indirectly) runs itself.
  flowDependencies: (c) => [c.flow],
  run(ctx, inputs, c) {
    ctx.throwIfAborted();
    // The engine runs the sub-flow under this node's signal, so cancelling the parent cancels it.
    return ctx.runFlow(c.flow, { ...inputs });
  },
});
