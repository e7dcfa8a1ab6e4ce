import { budget } from './budget.ts';
import { methodOf } from './methods.ts';
import { pyTypeName } from './ops.ts';
import {
  GroupTuple, hinted, int, isBool, isDict, isInt, isList, isNamespace, isNone, isStr, isTuple, isUndef, list, str,
  tuple, undefinedHint, type AnyValue, type ArrayValue, type StringValue,
} from './runtime-values.ts';
import { checkName } from './safety.ts';
import { renderError } from './template-errors.ts';

/**
 * `x.name` and `x[key]` over the interpreter's values. Every lookup is a Map lookup in the value's
 * own data or in this sandbox's table of methods; nothing reads a JavaScript property, so no
 * prototype, constructor or host function is reachable whatever the name. Names are still checked
 * (safety.ts) so an attempt is refused by name. A missing name gives Jinja2's Undefined, which says
 * what was missing when it is used.
 */
const missing = (obj: AnyValue, name: string) => hinted(`'${pyTypeName(obj)} object' has no attribute '${name}'`);

const codePointCache = new WeakMap<StringValue, string[] | null>();

/**
 * A string's code points, as Python indexes and counts them; undefined when it has no surrogate
 * pair (most text), so UTF-16 indexes are code point indexes. Cached per value and charged once:
 * indexing a big string in a loop would otherwise rescan it each time.
 */
export function codePoints(v: StringValue): string[] | undefined {
  let cps = codePointCache.get(v);
  if (cps === undefined) {
    budget().chargeChars(v.value.length);
    cps = /[\uD800-\uDFFF]/.test(v.value) ? Array.from(v.value) : null;
    codePointCache.set(v, cps);
  }
  return cps ?? undefined;
}

export function strLength(v: StringValue): number {
  return codePoints(v)?.length ?? v.value.length;
}

export function getAttr(obj: AnyValue, name: string): AnyValue {
  checkName(name, 'attribute');
  if (isUndef(obj)) throw renderError(undefinedHint(obj));
  if (isNone(obj)) return hinted(`'None' has no attribute '${name}'`);
  if (isDict(obj) || isNamespace(obj)) {
    const v = (obj.value as Map<string, AnyValue>).get(name);
    if (v !== undefined) return v;
  }
  if (obj instanceof GroupTuple && (name === 'grouper' || name === 'list')) return obj.value[name === 'grouper' ? 0 : 1];
  // `.length` is not Python, but nunjucks templates (Weir's engine before this one) use it.
  if (name === 'length' && (isStr(obj) || isList(obj))) return int(isStr(obj) ? strLength(obj) : obj.value.length);
  return methodOf(obj, name) ?? missing(obj, name);
}

export function getItem(obj: AnyValue, key: AnyValue): AnyValue {
  if (isUndef(obj)) throw renderError(undefinedHint(obj));
  if (isStr(key)) {
    checkName(key.value, 'item');
    if (isDict(obj) || isNamespace(obj)) return (obj.value as Map<string, AnyValue>).get(key.value) ?? missing(obj, key.value);
    return isNone(obj) ? hinted(`'None' has no attribute '${key.value}'`) : getAttr(obj, key.value);
  }
  if ((isInt(key) || isBool(key)) && (isList(obj) || isStr(obj))) {
    const i = Number(key.value);
    if (isStr(obj)) {
      const cs = codePoints(obj);
      const c = cs ? cs.at(i) : obj.value.at(i);
      return c === undefined ? hinted(`string index ${i} out of range`) : str(c);
    }
    return obj.value.at(i) ?? hinted(`${pyTypeName(obj)} object has no element ${i}`);
  }
  if (isNone(obj)) return hinted(`'None' has no attribute '${String(key.value)}'`);
  return hinted(`'${pyTypeName(obj)} object' has no attribute '${String(key.value)}'`);
}

function sliceIndex(v: AnyValue | undefined, what: string): number | undefined {
  if (v === undefined || isUndef(v) || isNone(v)) return undefined;
  if (!isInt(v) && !isBool(v)) throw renderError(`slice ${what} must be an integer or None`);
  return Number(v.value);
}

/** Python's seq[start:stop:step] on a str, list or tuple. */
export function getSlice(obj: AnyValue, start?: AnyValue, stop?: AnyValue, step?: AnyValue): AnyValue {
  if (isUndef(obj)) throw renderError(undefinedHint(obj));
  if (!isStr(obj) && !isList(obj)) throw renderError(`'${pyTypeName(obj)}' object is not subscriptable`);
  const items: ArrayLike<unknown> = isStr(obj) ? (codePoints(obj) ?? obj.value) : (obj as ArrayValue).value;
  const len = items.length;
  const k = sliceIndex(step, 'step') ?? 1;
  if (k === 0) throw renderError('slice step cannot be zero');
  const clamp = (i: number | undefined, dflt: number, lo: number, hi: number) =>
    i === undefined ? dflt : i < 0 ? Math.max(i + len, lo) : Math.min(i, hi);
  const a = k > 0 ? clamp(sliceIndex(start, 'start'), 0, 0, len) : clamp(sliceIndex(start, 'start'), len - 1, -1, len - 1);
  const b = k > 0 ? clamp(sliceIndex(stop, 'stop'), len, 0, len) : clamp(sliceIndex(stop, 'stop'), -1, -1, len - 1);
  const out: unknown[] = [];
  for (let i = a; k > 0 ? i < b : i > b; i += k) out.push(items[i]);
  budget().charge(1 + (out.length >>> 4));
  if (isStr(obj)) return str(out.join(''));
  const values = out as AnyValue[];
  return isTuple(obj) ? tuple(values) : list(values);
}

