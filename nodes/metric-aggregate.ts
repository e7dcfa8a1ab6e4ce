import { z } from 'zod';
import { aggregate } from '../engine/eval/aggregate.ts';
import { WeirError } from '../engine/errors.ts';
import { defineNode } from '../engine/node-definition.ts';

const config = z
  .object({
    threshold: z
      .number()
      .optional()
      .describe('A score at or above this passes; gives pass_rate. Without it pass_rate is null.'),
  })
  .strict();

/**
 * An evaluator's aggregate, as an aggregation node (`aggregation: true`): it reads every line's score
 * as a list and returns mean, pass_rate, count and missing, which become the run's metrics.
 */
export const metricAggregateNode = defineNode({
  type: 'metric_aggregate',
  title: 'Metric aggregate',
  category: 'evaluation',
  description: "An evaluator's aggregate over lines (use with aggregation: true): the mean of the scores, the pass rate at a threshold, and how many were present and missing (null, not a number).",
  inputs: { scores: z.array(z.unknown()) },
  output: z.object({ mean: z.number().nullable(), pass_rate: z.number().nullable(), count: z.number(), missing: z.number() }),
  config,
  run(ctx, inputs, c) {
    ctx.throwIfAborted();
    const scores: unknown = inputs.scores;
    if (!Array.isArray(scores)) {
      throw new WeirError('invalid_node_input', `node "${ctx.node}" input "scores": a list of scores (an aggregation node reads one per line)`, { node: ctx.node, path: ['inputs', 'scores'] });
    }
    return aggregate(scores, c.threshold);
  },
});
