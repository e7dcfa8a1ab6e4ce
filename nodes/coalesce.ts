import { z } from 'zod';
import { defineNode } from '../engine/node-definition.ts';

export const coalesceNode = defineNode({
  type: 'coalesce',
  title: 'Coalesce',
  category: 'control',
  description:
    'Outputs the first input (in the order they are listed) that has a value: joins branches where only one ran.',
  inputs: {},
  extraInputs: z.any(),
  output: z.any(),
  config: z.object({}).strict(),
  // The whole point is to run when some branches were skipped; skipped inputs arrive as undefined.
  acceptsSkippedInputs: true,
  // The first input wins whenever it has a value, so its chunks are the output's (a chat answer streams through).
  passesFirstInput: true,
  run(ctx, inputs) {
    ctx.throwIfAborted();
    for (const key of Object.keys(inputs)) {
      const value = inputs[key];
      if (value !== undefined && value !== null) return value;
    }
    return null;
  },
});
