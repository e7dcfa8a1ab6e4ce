import { budget } from './budget.ts';
import { pyFloat, pyInt, toRepr, toStr } from './py-format.ts';
import { isBool, isDict, isFloat, isInt, isNumber, isStr, isTuple, numberOf, str, type AnyValue } from './runtime-values.ts';
import { renderError, unsafe } from './template-errors.ts';

/**
 * Python's two string formattings, as Jinja2 templates use them: `"%s, %d" % (a, b)` / `|format`
 * (printf style) and `"{} {name}".format(…)`. Fields name arguments only: `{0.__class__}` and
 * `{0[key]}` are refused, which is what Jinja2's sandbox guards str.format against.
 */

function pad(s: string, width: number, align: string, fill = ' '): string {
  if (s.length >= width) return s;
  budget().chars(width);
  const room = width - s.length;
  if (align === '<') return s + fill.repeat(room);
  if (align === '^') return fill.repeat(Math.floor(room / 2)) + s + fill.repeat(room - Math.floor(room / 2));
  if (align === '=') {
    const sign = /^[+\- ]/.test(s) ? s[0] : '';
    return sign + fill.repeat(room) + s.slice(sign.length);
  }
  return fill.repeat(room) + s;
}

function twoDigitExp(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** %e %f %g and their format-spec twins, on a number. */
function floatText(x: number, type: string, precision: number | undefined, alt = false): string {
  if (!Number.isFinite(x)) return pyFloat(x);
  const p = precision ?? 6;
  budget().chars(p);
  const lower = type.toLowerCase();
  let s: string;
  if (lower === 'f' || lower === '%') s = x.toFixed(Math.min(p, 100));
  else if (lower === 'e') s = twoDigitExp(x.toExponential(Math.min(p, 100)));
  else {
    const P = p === 0 ? 1 : Math.min(p, 100);
    const exp = x === 0 ? 0 : Math.floor(Math.log10(Math.abs(Number(x.toExponential(P - 1)))));
    s = exp >= -4 && exp < P ? x.toFixed(Math.max(0, P - 1 - exp)) : twoDigitExp(x.toExponential(P - 1));
    if (!alt && s.includes('.')) s = s.replace(/(\.\d*?)0+(?=e|$)/, '$1').replace(/\.(?=e|$)/, '');
  }
  return type === type.toUpperCase() && lower !== '%' ? s.toUpperCase() : s;
}

function needNumber(v: AnyValue, spec: string): number {
  if (!isNumber(v)) throw renderError(`%${spec} format: a real number is required, not ${isStr(v) ? 'str' : v.type}`);
  return numberOf(v);
}

function integerText(x: number, type: string): string {
  const n = Math.trunc(x);
  if (type === 'x') return n.toString(16);
  if (type === 'X') return n.toString(16).toUpperCase();
  if (type === 'o') return n.toString(8);
  if (type === 'b') return n.toString(2);
  return pyInt(n);
}

function signed(s: string, x: number, sign: string): string {
  return x >= 0 && !s.startsWith('-') && (sign === '+' || sign === ' ') ? sign + s : s;
}

/** `fmt % arg`: a tuple gives the positional arguments, a dict the named ones. */
export function printf(fmt: string, arg: AnyValue): string {
  budget().chargeChars(fmt.length);
  const positional = isTuple(arg) ? arg.value : [arg];
  const mapping = isDict(arg) ? arg.value : undefined;
  let next = 0;
  let usedMapping = false;
  const take = (): AnyValue => {
    if (next >= positional.length) throw renderError('not enough arguments for format string');
    return positional[next++];
  };
  // A key is at most 256 characters: an unbounded one rescans the rest of the text at every "%(".
  const out = fmt.replace(/%(?:\(([^)]{0,256})\))?([-+ #0]*)(\d+|\*)?(?:\.(\d+|\*))?(.?)/g, (_m, key, flags: string, w, prec, type: string) => {
    if (type === '%') return '%';
    const width = w === '*' ? needNumber(take(), '*') : w === undefined ? 0 : Number(w);
    const precision = prec === '*' ? needNumber(take(), '*') : prec === undefined ? undefined : Number(prec);
    let v: AnyValue;
    if (key !== undefined) {
      if (!mapping) throw renderError('format requires a mapping');
      usedMapping = true;
      v = mapping.get(key) ?? (() => { throw renderError(`KeyError: '${key}'`); })();
    } else v = take();
    const sign = flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
    let s: string;
    if (type === 's' || type === 'r' || type === 'a') {
      s = type === 's' ? toStr(v) : toRepr(v);
      if (precision !== undefined) s = s.slice(0, precision);
    } else if ('diu'.includes(type) && type) s = signed(integerText(needNumber(v, type), 'd'), needNumber(v, type), sign);
    else if ('xXo'.includes(type) && type) {
      if (!isInt(v) && !isBool(v)) throw renderError(`%${type} format: an integer is required, not ${v.type}`);
      s = signed(integerText(numberOf(v), type), numberOf(v), sign);
    } else if ('eEfFgG'.includes(type) && type) s = signed(floatText(needNumber(v, type), type, precision, flags.includes('#')), needNumber(v, type), sign);
    else if (type === 'c') s = isStr(v) ? v.value : String.fromCodePoint(needNumber(v, 'c'));
    else throw renderError(`unsupported format character '${type}'`);
    const numeric = !'sracc'.includes(type);
    if (flags.includes('-')) return pad(s, width, '<');
    if (flags.includes('0') && numeric) return pad(s, width, '=', '0');
    return pad(s, width, '>');
  });
  if (!mapping && !usedMapping && next < positional.length) throw renderError('not all arguments converted during string formatting');
  budget().chars(out.length);
  return out;
}

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s;

function formatSpec(v: AnyValue, spec: string): string {
  const m = SPEC.exec(spec);
  if (!m) throw renderError(`Invalid format specifier '${spec}'`);
  const [, fill, align, sign = '', alt, zero, w, group, prec, type = ''] = m;
  const width = w === undefined ? 0 : Number(w);
  const precision = prec === undefined ? undefined : Number(prec);
  let s: string;
  if (isBool(v) && type === '' && precision === undefined) return pad(v.value ? 'True' : 'False', width, align ?? '<', fill ?? ' ');
  if (isNumber(v)) {
    const x = numberOf(v);
    if (type === 's') throw renderError("Unknown format code 's' for a number");
    if (type === '' && precision === undefined) s = isFloat(v) ? pyFloat(x) : pyInt(x);
    else if ('bdoxXn'.includes(type) && type) {
      s = integerText(x, type === 'n' ? 'd' : type);
      if (alt && 'boxX'.includes(type)) s = s.replace(/^(-?)/, `$10${type}`);
    }
    else if (type === 'c') s = String.fromCodePoint(x);
    else s = floatText(type === '%' ? x * 100 : x, type || 'g', precision, !!alt) + (type === '%' ? '%' : '');
    if (group) s = s.replace(/^(-?)(\d+)/, (_all, minus: string, digits: string) => minus + digits.replace(/\B(?=(\d{3})+$)/g, group));
    s = signed(s, x, sign);
    return pad(s, width, align ?? (zero ? '=' : '>'), fill ?? (zero ? '0' : ' '));
  }
  if (type && type !== 's') throw renderError(`Unknown format code '${type}' for object of type '${v.type}'`);
  s = toStr(v);
  if (precision !== undefined) s = s.slice(0, precision);
  return pad(s, width, align ?? '<', fill ?? ' ');
}

/** Python's str.format with plain fields: `{}`, `{0}`, `{name}`, `!r`/`!s`, and a format spec. */
export function strFormat(fmt: string, args: AnyValue[], kwargs: Map<string, AnyValue>): string {
  budget().chargeChars(fmt.length);
  let auto = 0;
  const out = fmt.replace(/\{\{|\}\}|\{([^{}]*)\}|[{}]/g, (m, field: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    if (field === undefined) throw renderError(`Single '${m}' encountered in format string`);
    const [, name = '', conv, spec = ''] = /^([^!:]*)(?:!([rsa]))?(?::(.*))?$/s.exec(field) ?? [];
    if (/[.[]/.test(name)) throw unsafe(`format field "{${name}}" is refused: fields may name arguments only, not their attributes or items`);
    let v: AnyValue | undefined;
    if (name === '') v = args[auto++];
    else if (/^\d+$/.test(name)) v = args[Number(name)];
    else v = kwargs.get(name);
    if (v === undefined) throw renderError(name === '' || /^\d+$/.test(name) ? 'Replacement index out of range for positional args tuple' : `KeyError: '${name}'`);
    if (conv === 'r' || conv === 'a') return formatSpec(str(toRepr(v)), spec);
    return formatSpec(v, spec);
  });
  budget().chars(out.length);
  return out;
}
