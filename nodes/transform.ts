import jsonata from 'jsonata';
import { z } from 'zod';
import { WeirError } from '../engine/errors.ts';
import { defineNode } from '../engine/node-definition.ts';

const config = z
  .object({
    expression: z
      .string()
      .min(1)
      .describe('JSONata expression evaluated over the node inputs, e.g. `items[price > 10].name`.'),
    timeout_ms: z
      .number()
      .int()
      .positive()
      .max(60_000)
      .default(2_000)
      .describe('Longest an evaluation may run before it fails.'),
  })
  .strict();

/** JSONata throws plain objects, not Errors; this is the part of them we use. */
interface JsonataFailure {
  code?: string;
  message?: string;
  position?: number;
  token?: string;
}

function describeFailure(err: unknown): string {
  const e = (err ?? {}) as JsonataFailure;
  const where = typeof e.position === 'number' ? ` at position ${e.position}` : '';
  const code = e.code ? ` [${e.code}]` : '';
  return `${e.message ?? String(err)}${where}${code}`;
}

/** Error-shaped cause so serialized traces show JSONata's message instead of "[object Object]". */
function asError(err: unknown): Error {
  if (err instanceof Error) return err;
  const e = (err ?? {}) as JsonataFailure;
  return Object.assign(new Error(e.message ?? String(err)), { code: e.code, position: e.position, token: e.token });
}

/**
 * JSONata marks its result arrays with extra properties (`sequence`, `outerWrapper`) and can return
 * lambdas; downstream nodes and traces should see plain JSON data only.
 */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'function') return null;
  if (value === null || typeof value !== 'object') return value;
  if ('_jsonata_lambda' in value || '_jsonata_function' in value) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v);
  return out;
}

function compile(c: z.output<typeof config>): jsonata.Expression {
  // `timeout` and `stack` are JSONata's own guardrails: evaluation is one long microtask chain that
  // an abort or timer can't interrupt, so a runaway recursive expression is only stopped from inside.
  return jsonata(c.expression, { timeout: c.timeout_ms, stack: 2_000 });
}

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
    try {
      compile(c);
      return [];
    } catch (err) {
      return [
        { code: 'invalid_expression', message: `invalid JSONata expression: ${describeFailure(err)}`, path: ['expression'] },
      ];
    }
  },
  prepare(c) {
    try {
      return compile(c);
    } catch (err) {
      throw new WeirError('invalid_expression', `invalid JSONata expression: ${describeFailure(err)}`, {
        path: ['config', 'expression'],
        cause: asError(err),
      });
    }
  },
  async run(ctx, inputs, _c, expression) {
    ctx.throwIfAborted();
    let result: unknown;
    try {
      result = await expression.evaluate(inputs);
    } catch (err) {
      throw new WeirError('transform_failed', `transform failed: ${describeFailure(err)}`, { cause: asError(err) });
    }
    // The evaluation can't be interrupted, but a result nobody waits for any more must not be used.
    ctx.throwIfAborted();
    // JSONata's "no match" is undefined; downstream nodes would read that as a skipped input.
    return result === undefined ? null : plain(result);
  },
});
