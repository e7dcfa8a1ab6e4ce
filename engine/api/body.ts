import type { Context } from 'hono';
import type { z } from 'zod';
import { WeirError } from '../errors.ts';
import { MAX_NESTING, nestingDepth } from '../flow/nesting.ts';

export function parseJsonText(text: string): unknown {
  if (nestingDepth(text) > MAX_NESTING) throw new WeirError('json_too_deep', `JSON nests deeper than ${MAX_NESTING} levels`, { status: 400 });
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new WeirError('invalid_json', `the body is not valid JSON: ${(err as Error).message}`, { status: 400 });
  }
}

async function readBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  return text.trim() === '' ? {} : parseJsonText(text);
}

/**
 * Reads a JSON object body without a schema: published endpoints take a flow's inputs, which the
 * run checks against the flow, and a zod record check here cost a few percent of their throughput.
 */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const value = await readBody(c);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new WeirError('invalid_request', `the body must be a JSON object of named inputs, not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`, { status: 400 });
  }
  return value as Record<string, unknown>;
}

/** Reads and checks a JSON body with a zod schema; an empty body reads as `{}`. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const r = schema.safeParse(await readBody(c));
  if (!r.success) {
    const issue = r.error.issues[0];
    const param = issue.path.join('.') || null;
    // A refusal of the whole body has an empty path: no field to name, so no path (param null, not "").
    const path = issue.path.length ? (issue.path as (string | number)[]) : undefined;
    throw new WeirError('invalid_request', `${param ? `${param}: ` : ''}${issue.message}`, { status: 400, path });
  }
  return r.data;
}

export function intParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new WeirError('invalid_request', `${name} must be a whole number, not "${value}"`, { status: 400, path: [name] });
  return n;
}
