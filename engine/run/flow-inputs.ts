import { InputError } from '../errors.ts';
import type { FlowInputSpec } from '../flow/analyze.ts';
import type { FlowInputType } from '../flow/schema.ts';

const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);

const CHECKS: Record<FlowInputType, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  integer: (v) => Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  object: isObj,
  array: Array.isArray,
  list: Array.isArray,
  chat_history: (v) => Array.isArray(v) && v.every(isObj),
  any: () => true,
};

/** Checks a run's inputs against the flow's declared inputs and fills in defaults. */
export function prepareInputs(specs: readonly FlowInputSpec[], given: Record<string, unknown> | undefined): Record<string, unknown> {
  const src = given ?? {};
  if (!isObj(src)) throw new InputError('the flow inputs must be an object of named values', { path: ['inputs'] });
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    let v = src[spec.name];
    if (v === undefined) {
      if (spec.default !== undefined) v = typeof spec.default === 'object' ? structuredClone(spec.default) : spec.default;
      else if (spec.optional) continue;
      else throw new InputError(`missing flow input "${spec.name}" (${spec.type})`, { path: ['inputs', spec.name] });
    } else if (!CHECKS[spec.type](v)) {
      const got = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
      throw new InputError(`flow input "${spec.name}" must be ${spec.type.replace('_', ' ')}, got ${got}`, { path: ['inputs', spec.name] });
    }
    out[spec.name] = v;
  }
  for (const key of Object.keys(src)) {
    if (!specs.some((s) => s.name === key)) {
      const known = specs.map((s) => s.name).join(', ') || 'none';
      throw new InputError(`unknown flow input "${key}" (inputs: ${known})`, { path: ['inputs', key] });
    }
  }
  return out;
}
