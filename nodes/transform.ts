import type jsonata from 'jsonata';
import { z } from 'zod';
import { WeirError } from '../engine/errors.ts';
import { defineNode } from '../engine/node-definition.ts';
import { asError, compileForSlice, describeFailure, evaluateSlice, expressionProblems } from '../engine/sandbox/jsonata-eval.ts';
import { continueOnWorker } from '../engine/sandbox/sliced.ts';

const config = z
  .object({
    expression: z
      .string()
      .min(1)
      .describe('JSONata expression evaluated over the node inputs, e.g. `items[price > 10].name`. Regexes run on RE2 (no backreferences or lookaround).'),
    timeout_ms: z
      .number()
      .int()
      .positive()
      .max(60_000)
      .default(2_000)
      .describe('Longest an evaluation may run; past it the node fails with node_timeout.'),
  })
  .strict();

const parseResult = (json: unknown): unknown => JSON.parse(json as string);

export const transformNode = defineNode({
  type: 'transform',
  title: 'Transform',
  category: 'data',
  description: 'Reshapes data with a JSONata expression over the node inputs (no code runs in-process).',
  inputs: {},
  extraInputs: z.any(),
  output: z.any(),
  config,
  check(c) {
    return expressionProblems(c.expression).map((message) => ({ code: 'invalid_expression', message, path: ['expression'] }));
  },
  prepare(c): jsonata.Expression {
    const problems = expressionProblems(c.expression);
    if (problems.length) throw new WeirError('invalid_expression', problems[0], { path: ['config', 'expression'] });
    try {
      return compileForSlice(c.expression, c.timeout_ms);
    } catch (err) {
      throw new WeirError('invalid_expression', `invalid JSONata expression: ${describeFailure(err)}`, {
        path: ['config', 'expression'],
        cause: asError(err),
      });
    }
  },
  run(ctx, inputs, c, expression) {
    ctx.throwIfAborted();
    // A slice of main-thread time, then a sandbox thread that is ended at `timeout_ms` or when the
    // run is cancelled: JSONata's evaluation cannot be interrupted where it runs.
    const started = Date.now();
    return evaluateSlice(expression, inputs).then(undefined, (err: unknown) =>
      continueOnWorker(err, started, {
        node: ctx.node,
        budgetMs: c.timeout_ms,
        task: { kind: 'jsonata', payload: { source: c.expression, input: inputs } },
        signal: ctx.signal,
        fromWorker: parseResult,
      }),
    );
  },
});
