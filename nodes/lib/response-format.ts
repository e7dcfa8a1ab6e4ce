import { z } from 'zod';
import { WeirError } from '../../engine/errors.ts';
import type { ResponseFormat } from '../../engine/models/types.ts';
import type { CheckProblem } from '../../engine/node-definition.ts';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The llm node's `response_format`, in OpenAI's shape so configs copy over from the API unchanged. */
export const responseFormatField = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('text') }).strict(),
    z.object({ type: z.literal('json_object') }).strict(),
    z
      .object({
        type: z.literal('json_schema'),
        json_schema: z
          .object({
            name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or -, at most 64'),
            description: z.string().max(4000).optional(),
            schema: z.record(z.string(), z.unknown()),
            strict: z.boolean().optional(),
          })
          .strict(),
      })
      .strict(),
  ])
  .optional()
  .describe('The answer\'s form: text (default), json_object, or json_schema {name, schema, strict?}. With JSON, the node outputs the parsed value (typed by the schema) and does not stream.');

export type ResponseFormatConfig = z.output<typeof responseFormatField>;

/** Whether the node outputs parsed JSON rather than text. */
export const isJson = (f: ResponseFormatConfig): f is Exclude<NonNullable<ResponseFormatConfig>, { type: 'text' }> =>
  f !== undefined && f.type !== 'text';

/** What the model is asked for (the shared GenerateOptions shape). */
export function toResponseFormat(f: ResponseFormatConfig): ResponseFormat | undefined {
  if (!f) return undefined;
  if (f.type === 'json_schema') {
    const { name, schema, strict } = f.json_schema;
    return { type: 'json_schema', name, schema, ...(strict === undefined ? {} : { strict }) };
  }
  return { type: f.type };
}

/** The schema of `${node.output}` a JSON answer has, so downstream references type-check. */
export function outputSchema(f: ResponseFormatConfig): Record<string, unknown> | undefined {
  if (!isJson(f)) return undefined;
  return f.type === 'json_schema' ? f.json_schema.schema : { type: 'object' };
}

/** Checks an answer against; undefined: any JSON object. */
export type AnswerCheck = z.ZodType | undefined;

function compile(schema: Record<string, unknown>): z.ZodType {
  return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
}

/** A schema zod cannot read is a config problem found at validation, not a run that always fails. */
export function responseFormatProblems(f: ResponseFormatConfig): CheckProblem[] {
  if (f?.type !== 'json_schema') return [];
  try {
    compile(f.json_schema.schema);
    return [];
  } catch (err) {
    return [{ code: 'invalid_config', message: `response_format.json_schema.schema is not a JSON Schema this node can check: ${(err as Error).message}`, path: ['response_format', 'json_schema', 'schema'] }];
  }
}

export function answerCheck(f: ResponseFormatConfig): AnswerCheck {
  return f?.type === 'json_schema' ? compile(f.json_schema.schema) : undefined;
}

const MAX_SHOWN = 200;
const shown = (text: string) => JSON.stringify(text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text);

/**
 * The parsed answer. A local model constrained by a grammar always parses; a remote one, or a model
 * without structured output, may not — that is the node's failure, named, never a string passed on.
 */
export function parseAnswer(text: string, check: AnswerCheck, node: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new WeirError('llm_invalid_json', `node "${node}": the model's answer is not valid JSON (${(err as Error).message}): ${shown(text)}`, { node, path: ['config', 'response_format'] });
  }
  if (!check) {
    if (!isObject(value)) throw new WeirError('llm_invalid_json', `node "${node}": response_format json_object needs a JSON object, the model answered ${shown(text)}`, { node, path: ['config', 'response_format'] });
    return value;
  }
  const r = check.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : '(the answer)';
    throw new WeirError('llm_schema_mismatch', `node "${node}": the model's answer does not match response_format.json_schema at ${where}: ${issue.message}`, { node, path: ['config', 'response_format', 'json_schema', 'schema'] });
  }
  // The answer as sent (not zod's copy): a schema's defaults or coercions must not change it.
  return value;
}
