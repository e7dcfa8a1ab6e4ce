import { budget } from './budget.ts';
import { printf } from './format-string.ts';
import { MAX_NESTING, toStr } from './py-format.ts';
import {
  FloatValue, IntegerValue, bool, float, int, isBool, isDict, isFloat, isFunc, isInt, isList, isNamespace, isNone,
  isNumber, isStr, isTuple, isUndef, list, numberOf, str, tuple, undefinedHint,
  type AnyValue,
} from './runtime-values.ts';
import { renderError } from './template-errors.ts';

/** Python semantics for Jinja2's operators over the interpreter's values. */

export function pyTypeName(v: AnyValue): string {
  if (isUndef(v)) return 'Undefined';
  if (isNone(v)) return 'NoneType';
  if (isBool(v)) return 'bool';
  if (isInt(v)) return 'int';
  if (isFloat(v)) return 'float';
  if (isStr(v)) return 'str';
  if (isTuple(v)) return 'tuple';
  if (isList(v)) return 'list';
  if (isDict(v)) return 'dict';
  if (isNamespace(v)) return 'Namespace';
  if (isFunc(v)) return 'function';
  return v.type;
}

export function truthy(v: AnyValue): boolean {
  if (isStr(v)) return v.value.length > 0;
  if (isNumber(v)) {
    const n = numberOf(v);
    return n !== 0;
  }
  if (isNone(v) || isUndef(v)) return false;
  if (isList(v)) return v.value.length > 0;
  if (isDict(v)) return v.value.size > 0;
  return true;
}

/** Jinja2's Undefined may be printed, tested and compared, but any other use names what was undefined. */
export function rejectUndefined(...vs: AnyValue[]): void {
  for (const v of vs) if (isUndef(v)) throw renderError(undefinedHint(v));
}

export function equals(a: AnyValue, b: AnyValue, depth = 0): boolean {
  budget().charge(1);
  if (isNumber(a) && isNumber(b)) return numberOf(a) === numberOf(b);
  if (isStr(a) && isStr(b)) {
    // Equal lengths are compared character by character: a big string compared in a loop is charged.
    if (a.value.length === b.value.length) budget().charge(a.value.length >>> 8);
    return a.value === b.value;
  }
  if (isNone(a) || isUndef(a) || isNone(b) || isUndef(b)) return a.type === b.type;
  if (depth > MAX_NESTING) throw renderError(`values nested more than ${MAX_NESTING} levels deep cannot be compared`);
  if (isList(a) && isList(b)) {
    if (isTuple(a) !== isTuple(b) || a.value.length !== b.value.length) return false;
    return a.value.every((x, i) => equals(x, b.value[i], depth + 1));
  }
  if (isDict(a) && isDict(b)) {
    if (a.value.size !== b.value.size) return false;
    for (const [k, x] of a.value) {
      const y = b.value.get(k);
      if (y === undefined || !equals(x, y, depth + 1)) return false;
    }
    return true;
  }
  return a === b;
}

/** -1, 0 or 1, for <, >, sort, min and max; Python's TypeError across kinds. */
export function compare(a: AnyValue, b: AnyValue, op = '<', caseSensitive = true): number {
  budget().charge(1);
  if (isNumber(a) && isNumber(b)) {
    const x = numberOf(a);
    const y = numberOf(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (isStr(a) && isStr(b)) {
    budget().charge(Math.min(a.value.length, b.value.length) >>> 8);
    const x = caseSensitive ? a.value : a.value.toLowerCase();
    const y = caseSensitive ? b.value : b.value.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (isList(a) && isList(b) && isTuple(a) === isTuple(b)) {
    const n = Math.min(a.value.length, b.value.length);
    for (let i = 0; i < n; i++) {
      if (equals(a.value[i], b.value[i])) continue;
      return compare(a.value[i], b.value[i], op, caseSensitive);
    }
    return Math.sign(a.value.length - b.value.length);
  }
  rejectUndefined(a, b);
  throw renderError(`'${op}' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

export function contains(container: AnyValue, item: AnyValue): boolean {
  if (isUndef(container)) return false;
  if (isStr(container)) {
    if (!isStr(item)) throw renderError(`'in <string>' requires string as left operand, not ${pyTypeName(item)}`);
    budget().chargeChars(container.value.length);
    return container.value.includes(item.value);
  }
  if (isList(container)) return container.value.some((x) => equals(x, item));
  if (isDict(container)) return isStr(item) && container.value.has(item.value);
  throw renderError(`argument of type '${pyTypeName(container)}' is not iterable`);
}

function checkedInt(n: number): IntegerValue {
  if (!Number.isSafeInteger(n)) {
    throw renderError('integer overflow: the result is beyond ±9007199254740991 (2^53 - 1), the largest exact integer here');
  }
  return int(n);
}

function number(n: number, asFloat: boolean): IntegerValue | FloatValue {
  return asFloat ? float(n) : checkedInt(n);
}

function repeat(seq: AnyValue, times: AnyValue): AnyValue {
  const n = Math.max(0, numberOf(times as IntegerValue));
  if (isStr(seq)) {
    budget().chars(seq.value.length * n);
    budget().chargeChars(seq.value.length * n);
    return str(seq.value.repeat(n));
  }
  const items = (seq as typeof seq & { value: AnyValue[] }).value;
  budget().items(items.length * n);
  budget().charge(items.length * n);
  const out: AnyValue[] = [];
  for (let i = 0; i < n; i++) out.push(...items);
  return isTuple(seq) ? tuple(out) : list(out);
}

const isIntLike = (v: AnyValue) => isInt(v) || isBool(v);

function arithmetic(op: string, a: AnyValue, b: AnyValue): AnyValue {
  if (op === '*' && (isStr(a) || isList(a)) && isIntLike(b)) return repeat(a, b);
  if (op === '*' && isIntLike(a) && (isStr(b) || isList(b))) return repeat(b, a);
  if (op === '%' && isStr(a)) return str(printf(a.value, b));
  if (op === '+' && isStr(a) && isStr(b)) {
    budget().chars(a.value.length + b.value.length);
    return str(a.value + b.value);
  }
  if (op === '+' && isList(a) && isList(b) && isTuple(a) === isTuple(b)) {
    budget().items(a.value.length + b.value.length);
    budget().charge(a.value.length + b.value.length);
    const items = a.value.concat(b.value);
    return isTuple(a) ? tuple(items) : list(items);
  }
  if (!isNumber(a) || !isNumber(b)) {
    rejectUndefined(a, b);
    throw renderError(`unsupported operand type(s) for ${op}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
  }
  const x = numberOf(a);
  const y = numberOf(b);
  const anyFloat = isFloat(a) || isFloat(b);
  switch (op) {
    case '+':
      return number(x + y, anyFloat);
    case '-':
      return number(x - y, anyFloat);
    case '*':
      return number(x * y, anyFloat);
    case '/':
      if (y === 0) throw renderError('division by zero');
      return float(x / y);
    case '//':
      if (y === 0) throw renderError('integer division or modulo by zero');
      return number(Math.floor(x / y), anyFloat);
    case '%':
      if (y === 0) throw renderError('integer division or modulo by zero');
      return anyFloat ? float(x - y * Math.floor(x / y)) : checkedInt(((x % y) + y) % y);
    case '**': {
      if (x === 0 && y < 0) throw renderError('0.0 cannot be raised to a negative power');
      const r = x ** y;
      if (Number.isNaN(r)) throw renderError('the power has no real result');
      return number(r, anyFloat || y < 0);
    }
  }
  throw renderError(`unknown operator ${op}`);
}

/** Every binary operator but `and`/`or`, which the interpreter evaluates lazily. */
export function binary(op: string, a: AnyValue, b: AnyValue): AnyValue {
  switch (op) {
    case '~': {
      const s = toStr(a) + toStr(b);
      budget().chars(s.length);
      return str(s);
    }
    case '==':
      return bool(equals(a, b));
    case '!=':
      return bool(!equals(a, b));
    case '<':
      return bool(compare(a, b, op) < 0);
    case '>':
      return bool(compare(a, b, op) > 0);
    case '<=':
      return bool(compare(a, b, op) <= 0);
    case '>=':
      return bool(compare(a, b, op) >= 0);
    case 'in':
      return bool(contains(b, a));
    case 'not in':
      return bool(!contains(b, a));
    default:
      return arithmetic(op, a, b);
  }
}
