import { budget } from './budget.ts';
import { pyTypeName } from './ops.ts';
import {
  KeywordArgumentsValue, isBool, isFloat, isInt, isStr, type AnyValue,
} from './runtime-values.ts';
import { renderError } from './template-errors.ts';

/** A call's keyword arguments arrive as one KeywordArgumentsValue after the positional ones. */
export function splitArgs(args: AnyValue[]): [AnyValue[], Map<string, AnyValue>] {
  const last = args[args.length - 1];
  if (last instanceof KeywordArgumentsValue) return [args.slice(0, -1), last.value as Map<string, AnyValue>];
  return [args, new Map()];
}

/**
 * Python's argument binding for a builtin with these parameter names: positional first, then by
 * keyword; too many, unknown or missing ones are the errors Python gives.
 */
export function bind(
  fname: string,
  args: AnyValue[],
  kwargs: Map<string, AnyValue>,
  params: string[],
  required = 0,
): (AnyValue | undefined)[] {
  if (args.length > params.length) {
    throw renderError(`${fname}() takes at most ${params.length} argument${params.length === 1 ? '' : 's'} (${args.length} given)`);
  }
  const out: (AnyValue | undefined)[] = params.map((_, i) => args[i]);
  for (const [k, v] of kwargs) {
    const i = params.indexOf(k);
    if (i === -1) throw renderError(`${fname}() got an unexpected keyword argument '${k}'`);
    if (out[i] !== undefined) throw renderError(`${fname}() got multiple values for argument '${k}'`);
    out[i] = v;
  }
  for (let i = 0; i < required; i++) {
    if (out[i] === undefined) throw renderError(`${fname}() missing required argument '${params[i]}'`);
  }
  return out;
}

export function asStr(v: AnyValue | undefined, fname: string, dflt?: string): string {
  if (v === undefined && dflt !== undefined) return dflt;
  if (v !== undefined && isStr(v)) return v.value;
  throw renderError(`${fname}: expected a string, got ${v === undefined ? 'nothing' : pyTypeName(v)}`);
}

export function asInt(v: AnyValue | undefined, fname: string, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  if (v !== undefined && (isInt(v) || isBool(v))) return Number(v.value);
  if (v !== undefined && isFloat(v) && Number.isInteger(v.value)) return v.value;
  throw renderError(`${fname}: expected an integer, got ${v === undefined ? 'nothing' : pyTypeName(v)}`);
}

/** A width or count that sizes a string: held to the character cap before the string is made. */
export function asSize(v: AnyValue | undefined, fname: string, dflt: number): number {
  const n = asInt(v, fname, dflt);
  budget().chars(n);
  return n;
}
