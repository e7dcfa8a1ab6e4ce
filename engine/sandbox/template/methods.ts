import { asInt, asSize, asStr, bind, splitArgs } from './args.ts';
import { budget } from './budget.ts';
import { strFormat } from './format-string.ts';
import { equals, pyTypeName } from './ops.ts';
import {
  NONE, bool, fn, int, isDict, isList, isStr, isTuple, list, str, tuple,
  type AnyValue, type ArrayValue, type FunctionValue, type ObjectValue,
} from './runtime-values.ts';
import { renderError } from './template-errors.ts';

/**
 * The methods a template may call on a value: Python's read-only str, dict and list methods.
 * Lists and dicts have no mutating methods (no `append`), as in Jinja2's ImmutableSandboxedEnvironment:
 * only a namespace changes, through `{% set ns.x = … %}`.
 */
type Method<T> = (self: T, args: AnyValue[], kwargs: Map<string, AnyValue>) => AnyValue;

/** Python's str.title(): a letter after a non-letter starts a word. */
export function pyTitle(s: string): string {
  return s.toLowerCase().replace(/(^|[^\p{L}])(\p{L})/gu, (_m, before: string, c: string) => before + c.toUpperCase());
}

export const pyCapitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();

function stripChars(s: string, chars: AnyValue | undefined, fname: string, left: boolean, right: boolean): string {
  if (chars === undefined || chars.type === 'NullValue') return left && right ? s.trim() : left ? s.trimStart() : s.trimEnd();
  const set = new Set(asStr(chars, fname));
  let a = 0;
  let b = s.length;
  if (left) while (a < b && set.has(s[a])) a++;
  if (right) while (b > a && set.has(s[b - 1])) b--;
  return s.slice(a, b);
}

export function pySplit(s: string, sep: AnyValue | undefined, maxsplit: number): string[] {
  if (sep === undefined || sep.type === 'NullValue') {
    const out: string[] = [];
    for (const m of s.matchAll(/\S+/g)) {
      if (maxsplit >= 0 && out.length === maxsplit) {
        out.push(s.slice(m.index));
        break;
      }
      out.push(m[0]);
    }
    return out;
  }
  const d = asStr(sep, 'split');
  if (d === '') throw renderError('empty separator');
  const parts = s.split(d);
  return maxsplit < 0 || parts.length <= maxsplit + 1 ? parts : [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(d)];
}

export function pyReplace(s: string, old: string, by: string, count: number): string {
  if (count < 0) {
    const hits = old === '' ? s.length + 1 : s.split(old).length - 1;
    budget().chars(s.length + hits * (by.length - old.length));
    return s.replaceAll(old, by);
  }
  let out = '';
  let from = 0;
  for (let i = 0; i < count; i++) {
    const at = old === '' ? (from <= s.length ? from : -1) : s.indexOf(old, from);
    if (at === -1) break;
    out += s.slice(from, at) + by;
    budget().chars(out.length);
    from = at + old.length;
    if (old === '') {
      out += s.slice(at, at + 1);
      from = at + 1;
    }
  }
  return out + s.slice(from);
}

function affix(s: string, args: AnyValue[], fname: string, test: (s: string, p: string) => boolean): AnyValue {
  const [p] = bind(fname, args, new Map(), ['prefix'], 1);
  const options = isTuple(p!) || isList(p!) ? (p as ArrayValue).value : [p!];
  return bool(options.some((o) => test(s, asStr(o, fname))));
}

const justify = (align: 'l' | 'r' | 'c') => (s: string, args: AnyValue[], kw: Map<string, AnyValue>) => {
  const [w, f] = bind(align === 'c' ? 'center' : `${align}just`, args, kw, ['width', 'fillchar'], 1);
  const width = asSize(w, 'width', 0);
  const fill = asStr(f, 'fillchar', ' ');
  const room = Math.max(0, width - s.length);
  if (align === 'l') return str(s + fill.repeat(room));
  if (align === 'r') return str(fill.repeat(room) + s);
  const left = Math.floor(room / 2) + (room % 2 && width % 2 ? 1 : 0);
  return str(fill.repeat(left) + s + fill.repeat(room - left));
};

const STR = new Map<string, Method<string>>(Object.entries({
  upper: (s) => str(s.toUpperCase()),
  lower: (s) => str(s.toLowerCase()),
  title: (s) => str(pyTitle(s)),
  capitalize: (s) => str(pyCapitalize(s)),
  swapcase: (s) => str([...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')),
  strip: (s, a, k) => str(stripChars(s, bind('strip', a, k, ['chars'])[0], 'strip', true, true)),
  lstrip: (s, a, k) => str(stripChars(s, bind('lstrip', a, k, ['chars'])[0], 'lstrip', true, false)),
  rstrip: (s, a, k) => str(stripChars(s, bind('rstrip', a, k, ['chars'])[0], 'rstrip', false, true)),
  startswith: (s, a) => affix(s, a, 'startswith', (x, p) => x.startsWith(p)),
  endswith: (s, a) => affix(s, a, 'endswith', (x, p) => x.endsWith(p)),
  split: (s, a, k) => {
    const [sep, max] = bind('split', a, k, ['sep', 'maxsplit']);
    return list(pySplit(s, sep, asInt(max, 'maxsplit', -1)).map(str));
  },
  splitlines: (s) => list(s.split(/\r\n|\r|\n/).filter((l, i, all) => i < all.length - 1 || l !== '').map(str)),
  replace: (s, a, k) => {
    const [o, b, c] = bind('replace', a, k, ['old', 'new', 'count'], 2);
    return str(pyReplace(s, asStr(o, 'replace'), asStr(b, 'replace'), asInt(c, 'count', -1)));
  },
  join: (s, a) => {
    const [items] = bind('join', a, new Map(), ['iterable'], 1);
    const parts = isStr(items!) ? [...items.value] : isList(items!) ? items.value.map((x, i) => {
      if (!isStr(x)) throw renderError(`sequence item ${i}: expected str instance, ${pyTypeName(x)} found`);
      return x.value;
    }) : null;
    if (!parts) throw renderError(`can only join an iterable, not ${pyTypeName(items!)}`);
    budget().chars(parts.reduce((n, p) => n + p.length, 0) + s.length * parts.length);
    return str(parts.join(s));
  },
  format: (s, a, k) => str(strFormat(s, a, k)),
  find: (s, a) => int(s.indexOf(asStr(bind('find', a, new Map(), ['sub'], 1)[0], 'find'))),
  rfind: (s, a) => int(s.lastIndexOf(asStr(bind('rfind', a, new Map(), ['sub'], 1)[0], 'rfind'))),
  count: (s, a) => {
    const sub = asStr(bind('count', a, new Map(), ['sub'], 1)[0], 'count');
    return int(sub === '' ? s.length + 1 : s.split(sub).length - 1);
  },
  isdigit: (s) => bool(/^\p{Nd}+$/u.test(s)),
  isalpha: (s) => bool(/^\p{L}+$/u.test(s)),
  isalnum: (s) => bool(/^[\p{L}\p{N}]+$/u.test(s)),
  isspace: (s) => bool(/^\s+$/.test(s)),
  islower: (s) => bool(/\p{Ll}/u.test(s) && s === s.toLowerCase()),
  isupper: (s) => bool(/\p{Lu}/u.test(s) && s === s.toUpperCase()),
  zfill: (s, a) => {
    const width = asSize(bind('zfill', a, new Map(), ['width'], 1)[0], 'zfill', 0);
    const sign = /^[+-]/.test(s) ? s[0] : '';
    return str(sign + '0'.repeat(Math.max(0, width - s.length)) + s.slice(sign.length));
  },
  center: justify('c'),
  ljust: justify('l'),
  rjust: justify('r'),
} satisfies Record<string, Method<string>>));

const DICT = new Map<string, Method<ObjectValue>>(Object.entries({
  get: (d, a, k) => {
    const [key, dflt] = bind('get', a, k, ['key', 'default'], 1);
    return (isStr(key!) ? d.value.get(key.value) : undefined) ?? dflt ?? NONE;
  },
  items: (d) => {
    budget().charge(d.value.size);
    return list([...d.value].map(([key, v]) => tuple([str(key), v])));
  },
  keys: (d) => {
    budget().charge(d.value.size);
    return list([...d.value.keys()].map(str));
  },
  values: (d) => {
    budget().charge(d.value.size);
    return list([...d.value.values()]);
  },
} satisfies Record<string, Method<ObjectValue>>));

const LIST = new Map<string, Method<ArrayValue>>(Object.entries({
  index: (l, a) => {
    const [x] = bind('index', a, new Map(), ['value'], 1);
    const i = l.value.findIndex((y) => equals(y, x!));
    if (i === -1) throw renderError('list.index(x): x not in list');
    return int(i);
  },
  count: (l, a) => {
    const [x] = bind('count', a, new Map(), ['value'], 1);
    return int(l.value.filter((y) => equals(y, x!)).length);
  },
} satisfies Record<string, Method<ArrayValue>>));

/** `loop.cycle('odd', 'even')`: the loop object is a dict of index0, revindex0 … made by the library. */
function loopCycle(d: ObjectValue): FunctionValue | undefined {
  const i = d.value.get('index0');
  if (!i || !d.value.has('revindex0')) return undefined;
  return fn((args) => {
    if (args.length === 0) throw renderError('no items for cycling given');
    return args[Number(i.value) % args.length];
  });
}

function bound<T>(self: T, m: Method<T> | undefined): FunctionValue | undefined {
  if (!m) return undefined;
  return fn((raw) => {
    const [args, kwargs] = splitArgs(raw);
    return m(self, args, kwargs);
  });
}

/** Tables are Maps, so no name can reach Object.prototype through them. */
export function methodOf(obj: AnyValue, name: string): FunctionValue | undefined {
  if (isStr(obj)) {
    const m = STR.get(name);
    if (m) budget().chargeChars(obj.value.length);
    return bound(obj.value, m);
  }
  if (isDict(obj)) return name === 'cycle' ? loopCycle(obj) : bound(obj, DICT.get(name));
  if (isList(obj)) return bound(obj, LIST.get(name));
  return undefined;
}
