import { MAX_NESTING } from './py-format.ts';
import { NONE, UNDEFINED, bool, dict, float, int, list, str, type AnyValue } from './runtime-values.ts';
import { unsafe } from './template-errors.ts';
import { WeirError } from '../../errors.ts';

/**
 * Turns a render's input values into the interpreter's own values: data only. The library's own
 * conversion wraps a JavaScript function as something a template can call with its arguments; here a
 * function (or symbol) is refused, objects are read by their own enumerable data properties only (no
 * getter runs, no prototype is looked at), cycles are refused and shared parts are converted once.
 */
export function toRuntime(value: unknown, name: string): AnyValue {
  const done = new Map<object, AnyValue>();
  const inProgress = new Set<object>();

  const convert = (v: unknown, path: string, depth: number): AnyValue => {
    switch (typeof v) {
      case 'string':
        return str(v);
      case 'number':
        return Number.isInteger(v) ? int(v) : float(v);
      case 'boolean':
        return bool(v);
      case 'undefined':
        return UNDEFINED;
      case 'bigint':
        return Number.isSafeInteger(Number(v)) ? int(Number(v)) : str(v.toString());
      case 'function':
      case 'symbol':
        throw unsafe(`template input "${path}" is a ${typeof v}; templates take data only`);
    }
    if (v === null) return NONE;
    const obj = v as object;
    const seen = done.get(obj);
    if (seen) return seen;
    if (inProgress.has(obj)) throw new WeirError('template_render', `template input "${path}" refers to itself (a cycle)`);
    if (depth > MAX_NESTING) throw new WeirError('template_render', `template input "${name}" is nested more than ${MAX_NESTING} levels deep`);
    if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) {
      throw new WeirError('template_render', `template input "${path}" is binary data; pass text or JSON values`);
    }
    inProgress.add(obj);
    let out: AnyValue;
    if (obj instanceof Date) {
      out = str(Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString());
    } else if (Array.isArray(obj) || obj instanceof Set) {
      const items = Array.isArray(obj) ? obj : [...obj];
      out = list(items.map((item, i) => convert(item, `${path}[${i}]`, depth + 1)));
    } else {
      const entries = new Map<string, AnyValue>();
      if (obj instanceof Map) {
        for (const [k, item] of obj) entries.set(String(k), convert(item, `${path}.${String(k)}`, depth + 1));
      } else {
        for (const k of Object.keys(obj)) {
          const d = Object.getOwnPropertyDescriptor(obj, k);
          if (d && 'value' in d) entries.set(k, convert(d.value, `${path}.${k}`, depth + 1));
        }
      }
      out = dict(entries);
    }
    inProgress.delete(obj);
    done.set(obj, out);
    return out;
  };

  return convert(value, name, 0);
}
