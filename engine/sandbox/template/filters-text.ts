import { asInt, asSize, asStr, bind } from './args.ts';
import { budget } from './budget.ts';
import { printf } from './format-string.ts';
import { toJson } from './json.ts';
import { pyCapitalize, pyReplace } from './methods.ts';
import { pyTypeName, rejectUndefined } from './ops.ts';
import { toRepr, toStr } from './py-format.ts';
import {
  dict, float, int, isBool, isDict, isFloat, isInt, isList, isNone, isNumber, isStr, numberOf, str, tuple,
  type AnyValue, type ArrayValue,
} from './runtime-values.ts';
import { renderError } from './template-errors.ts';

/** Jinja2's filters on text and numbers, with Jinja2's (Python's) results. */
export type Filter = (v: AnyValue, args: AnyValue[], kwargs: Map<string, AnyValue>) => AnyValue;

/** The text a filter reads: Jinja2 filters call str() on their input (Undefined reads as ""). */
function text(v: AnyValue): string {
  const s = toStr(v);
  budget().chargeChars(s.length);
  return s;
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML[c]);

const LINE_BREAKS = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;
const splitlines = (s: string) => {
  const lines = s.split(LINE_BREAKS);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return s === '' ? [] : lines;
};

/** Jinja2's `indent`, including its habit of adding a newline before splitting lines. */
function indent(v: AnyValue, args: AnyValue[], kw: Map<string, AnyValue>): AnyValue {
  const [w, first, blank] = bind('indent', args, kw, ['width', 'first', 'blank']);
  const pad = w !== undefined && isStr(w) ? w.value : ' '.repeat(asSize(w, 'indent', 4));
  const lines = splitlines(`${text(v)}\n`);
  budget().chars(lines.reduce((n, l) => n + l.length + pad.length + 1, 0));
  let out: string;
  if (blank && (blank.value as boolean)) out = lines.join(`\n${pad}`);
  else out = [lines[0] ?? '', ...lines.slice(1).map((l) => (l ? pad + l : l))].join('\n');
  return str(first && (first.value as boolean) ? pad + out : out);
}

/** Jinja2's `title`: words begin after spaces, hyphens and opening brackets. */
function title(s: string): string {
  return s.split(/([-\s({[<]+)/).map((p) => (p ? p[0].toUpperCase() + p.slice(1).toLowerCase() : p)).join('');
}

function truncate(v: AnyValue, args: AnyValue[], kw: Map<string, AnyValue>): AnyValue {
  const [l, kill, e, lee] = bind('truncate', args, kw, ['length', 'killwords', 'end', 'leeway']);
  const s = text(v);
  const length = asInt(l, 'truncate', 255);
  const end = asStr(e, 'truncate', '...');
  const leeway = asInt(lee, 'truncate', 5);
  if (length < end.length) throw renderError(`expected length >= ${end.length}, got ${length}`);
  if (s.length <= length + leeway) return str(s);
  if (kill && (kill.value as boolean)) return str(s.slice(0, length - end.length) + end);
  const head = s.slice(0, length - end.length);
  const cut = head.lastIndexOf(' ');
  return str((cut === -1 ? head : head.slice(0, cut)) + end);
}

function stripTags(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; ) {
    if (s.startsWith('<!--', i)) {
      const end = s.indexOf('-->', i + 4);
      i = end === -1 ? s.length : end + 3;
    } else if (s[i] === '<' && /[a-zA-Z/!?]/.test(s[i + 1] ?? '')) {
      const end = s.indexOf('>', i + 1);
      i = end === -1 ? s.length : end + 1;
    } else out += s[i++];
  }
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
  return out
    .split(/\s+/)
    .filter(Boolean)
    .join(' ')
    .replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/g, (m, e: string) => {
      if (e[0] === '#') {
        const cp = e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
      }
      return entities[e] ?? m;
    });
}

const quote = (s: string, safe: string) =>
  [...new TextEncoder().encode(s)]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9_.\-~]/.test(c) || (b < 128 && safe.includes(c)) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');

function urlencode(v: AnyValue): AnyValue {
  if (isStr(v)) return str(quote(text(v), '/'));
  const pairs = isDict(v) ? [...v.value].map(([k, x]) => [k, toStr(x)]) : isList(v) ? v.value.map((p) => (p as ArrayValue).value.map(toStr)) : null;
  if (!pairs) return str(quote(text(v), '/'));
  const q = (s: string) => quote(s, '').replace(/%20/g, '+');
  return str(pairs.map(([k, x]) => `${q(k)}=${q(x)}`).join('&'));
}

const INT_TEXT: Record<number, RegExp> = { 2: /^[+-]?(0b)?[01]+(_[01]+)*$/i, 8: /^[+-]?(0o)?[0-7]+(_[0-7]+)*$/i, 10: /^[+-]?\d+(_\d+)*$/, 16: /^[+-]?(0x)?[0-9a-f]+(_[0-9a-f]+)*$/i };

function toFloat(s: string): number | undefined {
  const t = s.trim().replace(/(\d)_(?=\d)/g, '$1');
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  // One way to match each text: `\d+\.?\d*` backtracks quadratically on a long run of digits.
  return /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i.test(t) ? Number(t) : undefined;
}

/** Jinja2's `int`: int(value, base), else int(float(value)), else the default. */
function toInt(v: AnyValue, args: AnyValue[], kw: Map<string, AnyValue>): AnyValue {
  const [dflt, b] = bind('int', args, kw, ['default', 'base']);
  const base = asInt(b, 'int', 10);
  if (isInt(v)) return v;
  if (isBool(v) || isFloat(v)) return int(Math.trunc(numberOf(v)));
  if (isStr(v)) {
    const t = v.value.trim();
    if (INT_TEXT[base]?.test(t)) {
      const n = Number.parseInt(t.replace(/_/g, '').replace(/^([+-]?)0[box]/i, '$1'), base);
      if (Number.isSafeInteger(n)) return int(n);
    }
    const f = toFloat(t);
    if (f !== undefined && Number.isFinite(f)) return int(Math.trunc(f));
  }
  return dflt ?? int(0);
}

function toFloatFilter(v: AnyValue, args: AnyValue[], kw: Map<string, AnyValue>): AnyValue {
  const [dflt] = bind('float', args, kw, ['default']);
  if (isNumber(v)) return float(numberOf(v));
  const f = isStr(v) ? toFloat(v.value) : undefined;
  return f === undefined ? (dflt ?? float(0)) : float(f);
}

/** Python's round(x, n): halves go to the even digit, judged on the float's exact value. */
function pyRound(x: number, p: number): number {
  if (!Number.isFinite(x)) return x;
  const scaled = x * 10 ** p;
  const fixed = Math.abs(x).toFixed(Math.min(100, Math.max(0, p + 25)));
  const [whole, frac = ''] = fixed.split('.');
  const tail = frac.slice(Math.max(0, p));
  const tie = p >= 0 && /^50*$/.test(tail) && Number.isInteger(scaled * 2);
  if (p < 0) {
    const f = 10 ** -p;
    const q = x / f;
    const r = Math.abs(q % 1) === 0.5 ? 2 * Math.round(q / 2) : Math.round(q);
    return r * f;
  }
  if (!tie) return Number(x.toFixed(Math.min(100, p)));
  const lastDigit = Number((whole + frac.slice(0, p)).slice(-1));
  const down = Math.trunc(scaled) / 10 ** p;
  return lastDigit % 2 === 0 ? down : (Math.trunc(scaled) + Math.sign(x)) / 10 ** p;
}

function round(v: AnyValue, args: AnyValue[], kw: Map<string, AnyValue>): AnyValue {
  const [prec, m] = bind('round', args, kw, ['precision', 'method']);
  rejectUndefined(v);
  if (!isNumber(v)) throw renderError(`round: expected a number, got ${pyTypeName(v)}`);
  const p = asInt(prec, 'round', 0);
  const method = asStr(m, 'round', 'common');
  const x = numberOf(v);
  if (method === 'common') return isInt(v) || isBool(v) ? int(p >= 0 ? x : pyRound(x, p)) : float(pyRound(x, p));
  if (method !== 'floor' && method !== 'ceil') throw renderError('method must be common, ceil or floor');
  const f = method === 'floor' ? Math.floor : Math.ceil;
  return float(f(x * 10 ** p) / 10 ** p);
}

function format(v: AnyValue, args: AnyValue[], kw: Map<string, AnyValue>): AnyValue {
  if (args.length && kw.size) throw renderError("can't handle positional and keyword arguments at the same time");
  return str(printf(text(v), kw.size ? dict(kw) : tuple(args)));
}

function center(v: AnyValue, args: AnyValue[], kw: Map<string, AnyValue>): AnyValue {
  const s = text(v);
  const width = asSize(bind('center', args, kw, ['width'])[0], 'center', 80);
  const room = Math.max(0, width - s.length);
  const left = Math.floor(room / 2) + (room % 2 && width % 2 ? 1 : 0);
  return str(' '.repeat(left) + s + ' '.repeat(room - left));
}

export const TEXT_FILTERS = new Map<string, Filter>([
  ['abs', (v) => {
    rejectUndefined(v);
    if (!isNumber(v)) throw renderError(`bad operand type for abs(): '${pyTypeName(v)}'`);
    return isFloat(v) ? float(Math.abs(v.value)) : int(Math.abs(numberOf(v)));
  }],
  ['capitalize', (v) => str(pyCapitalize(text(v)))],
  ['center', center],
  ['escape', (v) => str(escapeHtml(text(v)))],
  ['e', (v) => str(escapeHtml(text(v)))],
  ['forceescape', (v) => str(escapeHtml(text(v)))],
  ['float', toFloatFilter],
  ['format', format],
  ['indent', indent],
  ['int', toInt],
  ['lower', (v) => str(text(v).toLowerCase())],
  ['pprint', (v) => str(toRepr(v))],
  ['replace', (v, a, k) => {
    const [o, n, c] = bind('replace', a, k, ['old', 'new', 'count'], 2);
    return str(pyReplace(text(v), asStr(o, 'replace'), asStr(n, 'replace'), c === undefined || isNone(c) ? -1 : asInt(c, 'replace')));
  }],
  ['round', round],
  ['safe', (v) => v],
  ['string', (v) => str(text(v))],
  ['striptags', (v) => str(stripTags(text(v)))],
  ['title', (v) => str(title(text(v)))],
  ['tojson', (v, a, k) => {
    const [ind] = bind('tojson', a, k, ['indent']);
    return str(toJson(v, ind === undefined || isNone(ind) ? undefined : asInt(ind, 'tojson')));
  }],
  ['trim', (v, a, k) => {
    const [chars] = bind('trim', a, k, ['chars']);
    const s = text(v);
    if (chars === undefined || isNone(chars)) return str(s.trim());
    const set = new Set(asStr(chars, 'trim'));
    let i = 0;
    let j = s.length;
    while (i < j && set.has(s[i])) i++;
    while (j > i && set.has(s[j - 1])) j--;
    return str(s.slice(i, j));
  }],
  ['truncate', truncate],
  ['upper', (v) => str(text(v).toUpperCase())],
  ['urlencode', urlencode],
  ['wordcount', (v) => int(text(v).match(/[\p{L}\p{N}_]+/gu)?.length ?? 0)],
]);
