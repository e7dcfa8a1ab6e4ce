import { budget } from './budget.ts';
import {
  isBool, isDict, isFloat, isFunc, isInt, isList, isNamespace, isNone, isStr, isTuple, isUndef,
  type AnyValue,
} from './runtime-values.ts';
import { renderError } from './template-errors.ts';

/**
 * How values print, the way Jinja2 prints them (Python's str() and repr()), since prompt flow users
 * see `['a', 'b']`, `None` and `True` there. Every string is built under the render's character cap,
 * and nested values are walked with a depth limit and a guard against cycles (a namespace can hold
 * itself).
 */
export const MAX_NESTING = 400;

/** Python's repr() of a float: shortest round-trip digits, exponent below 1e-4 and from 1e16. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const sign = x < 0 ? '-' : '';
  const digits = mant.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  return `${sign}${whole}.${digits.slice(exp + 1) || '0'}`;
}

/** An int prints all its digits (String(1e21) would say "1e+21"). */
export function pyInt(x: number): string {
  return Math.abs(x) < 1e21 ? String(x) : BigInt(x).toString();
}

/** Python's repr() of a str: single quotes unless the text holds one and no double quote. */
export function pyStrRepr(s: string): string {
  budget().chargeChars(s.length);
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === q || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + q;
}

class Writer {
  parts: string[] = [];
  length = 0;
  push(s: string): void {
    this.length += s.length;
    budget().chars(this.length);
    this.parts.push(s);
  }
}

function scalar(v: AnyValue, inContainer: boolean): string | undefined {
  if (isStr(v)) return inContainer ? pyStrRepr(v.value) : v.value;
  if (isUndef(v)) return inContainer ? 'Undefined' : '';
  if (isNone(v)) return 'None';
  if (isBool(v)) return v.value ? 'True' : 'False';
  if (isInt(v)) return pyInt(v.value);
  if (isFloat(v)) return pyFloat(v.value);
  if (isFunc(v)) return '<function>';
  return undefined;
}

function write(w: Writer, v: AnyValue, depth: number, path: Set<unknown>): void {
  const s = scalar(v, true);
  if (s !== undefined) return w.push(s);
  if (depth > MAX_NESTING) throw renderError(`a value nested more than ${MAX_NESTING} levels deep cannot be printed`);
  if (path.has(v)) return w.push(isList(v) ? '[...]' : '{...}');
  path.add(v);
  if (isList(v)) {
    const items = v.value;
    budget().charge(items.length);
    const [open, close] = isTuple(v) ? ['(', items.length === 1 ? ',)' : ')'] : ['[', ']'];
    w.push(open);
    items.forEach((item, i) => {
      if (i > 0) w.push(', ');
      write(w, item, depth + 1, path);
    });
    w.push(close);
  } else if (isDict(v) || isNamespace(v)) {
    const entries = v.value as Map<string, AnyValue>;
    budget().charge(entries.size);
    w.push(isNamespace(v) ? '<Namespace {' : '{');
    let first = true;
    for (const [k, item] of entries) {
      w.push(`${first ? '' : ', '}${pyStrRepr(k)}: `);
      first = false;
      write(w, item, depth + 1, path);
    }
    w.push(isNamespace(v) ? '}>' : '}');
  } else {
    w.push(`<${v.type}>`);
  }
  path.delete(v);
}

/** Python's repr(). */
export function toRepr(v: AnyValue): string {
  const w = new Writer();
  write(w, v, 0, new Set());
  return w.parts.join('');
}

/** Python's str(), as `{{ value }}`, `~`, `|string` and `|join` print a value. */
export function toStr(v: AnyValue): string {
  return scalar(v, false) ?? toRepr(v);
}
