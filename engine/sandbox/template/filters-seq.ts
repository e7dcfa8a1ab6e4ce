import { asInt, bind } from './args.ts';
import { budget } from './budget.ts';
import type { Filter } from './filters-text.ts';
import { codePoints, getAttr, getItem, strLength } from './member.ts';
import { compare, equals, pyTypeName, rejectUndefined, truthy } from './ops.ts';
import { toStr } from './py-format.ts';
import {
  group, hinted, int, isDict, isFloat, isInt, isList, isNone, isNumber, isStr, isUndef, list, numberOf,
  str, tuple, float,
  type AnyValue,
} from './runtime-values.ts';
import { checkName } from './safety.ts';
import { renderError } from './template-errors.ts';
import { runTest } from './tests.ts';

/** Jinja2's filters over sequences and mappings. */
export type ApplyFilter = (name: string, v: AnyValue, args: AnyValue[], kw: Map<string, AnyValue>) => AnyValue;

/** What `for x in value` would visit: list items, a string's characters, a dict's keys. */
export function itemsOf(v: AnyValue, what: string): AnyValue[] {
  let items: AnyValue[];
  if (isList(v)) items = v.value;
  else if (isStr(v)) items = (codePoints(v) ?? v.value.split('')).map(str);
  else if (isDict(v)) items = [...v.value.keys()].map(str);
  else if (isUndef(v)) items = [];
  else throw renderError(`'${pyTypeName(v)}' object is not iterable${what ? ` (${what})` : ''}`);
  budget().charge(items.length);
  return items;
}

/** `attribute="a.b.0"` as map, sort, groupby … read it: item lookups, dotted, each name checked. */
function attrGetter(path: AnyValue | undefined): ((v: AnyValue) => AnyValue) | undefined {
  if (path === undefined || isNone(path)) return undefined;
  const parts = isInt(path) ? [String(path.value)] : toStr(path).split('.');
  for (const p of parts) if (!/^\d+$/.test(p)) checkName(p, 'attribute');
  return (v) => {
    let cur = v;
    for (const p of parts) {
      if (isUndef(cur)) return cur;
      cur = /^\d+$/.test(p) ? getItem(cur, int(Number(p))) : isDict(cur) ? (cur.value.get(p) ?? hinted(`'dict object' has no attribute '${p}'`)) : getAttr(cur, p);
    }
    return cur;
  };
}

const flag = (v: AnyValue | undefined) => v !== undefined && truthy(v);
function lowered(v: AnyValue, caseSensitive: boolean): AnyValue {
  if (caseSensitive || !isStr(v)) return v;
  budget().chargeChars(v.value.length);
  return str(v.value.toLowerCase());
}

function sortBy(items: AnyValue[], key: (v: AnyValue) => AnyValue, reverse: boolean): AnyValue[] {
  const keyed = items.map((v) => [key(v), v] as const);
  keyed.sort((a, b) => compare(a[0], b[0]) * (reverse ? -1 : 1));
  return keyed.map(([, v]) => v);
}

function hashKey(v: AnyValue): string {
  if (isStr(v)) return `s${v.value}`;
  if (isNumber(v)) return `n${numberOf(v)}`;
  if (isNone(v) || isUndef(v)) return v.type;
  throw renderError(`unhashable type: '${pyTypeName(v)}'`);
}

function selectWith(apply: boolean, byAttr: boolean): Filter {
  return (v, args) => {
    const getter = byAttr ? attrGetter(args[0]) : (x: AnyValue) => x;
    if (byAttr && !getter) throw renderError('selectattr/rejectattr need an attribute name');
    const [testName, ...testArgs] = byAttr ? args.slice(1) : args;
    return list(itemsOf(v, 'select').filter((item) => {
      const x = getter!(item);
      const ok = testName === undefined ? truthy(x) : runTest(toStr(testName), x, testArgs);
      return ok === apply;
    }));
  };
}

function aggregate(which: 'min' | 'max'): Filter {
  return (v, args, kw) => {
    const [cs, attr] = bind(which, args, kw, ['case_sensitive', 'attribute']);
    const items = itemsOf(v, which);
    if (items.length === 0) return hinted('No aggregated item, sequence was empty.');
    const get = attrGetter(attr) ?? ((x: AnyValue) => x);
    const key = (x: AnyValue) => lowered(get(x), flag(cs));
    return items.reduce((best, x) => {
      const c = compare(key(x), key(best));
      return (which === 'min' ? c < 0 : c > 0) ? x : best;
    });
  };
}

export function seqFilters(apply: ApplyFilter): Map<string, Filter> {
  const length: Filter = (v) => {
    if (isStr(v)) return int(strLength(v));
    if (isList(v)) return int(v.value.length);
    if (isDict(v)) return int(v.value.size);
    if (isUndef(v)) return int(0);
    throw renderError(`object of type '${pyTypeName(v)}' has no len()`);
  };
  const dflt: Filter = (v, args, kw) => {
    const [d, boolean] = bind('default', args, kw, ['default_value', 'boolean']);
    return isUndef(v) || (flag(boolean) && !truthy(v)) ? (d ?? str('')) : v;
  };
  return new Map<string, Filter>([
    ['attr', (v, args) => getAttr(v, toStr(args[0] ?? str('')))],
    ['batch', (v, args, kw) => {
      const [n, fill] = bind('batch', args, kw, ['linecount', 'fill_with'], 1);
      const size = asInt(n, 'batch');
      if (size < 1) throw renderError('batch: linecount must be at least 1');
      const items = itemsOf(v, 'batch');
      const rows: AnyValue[] = [];
      for (let i = 0; i < items.length; i += size) {
        const row = items.slice(i, i + size);
        while (fill !== undefined && !isNone(fill) && row.length < size) row.push(fill);
        rows.push(list(row));
      }
      return list(rows);
    }],
    ['count', length],
    ['length', length],
    ['default', dflt],
    ['d', dflt],
    ['dictsort', (v, args, kw) => {
      const [cs, by, rev] = bind('dictsort', args, kw, ['case_sensitive', 'by', 'reverse']);
      if (!isDict(v)) throw renderError(`dictsort: expected a dict, got ${pyTypeName(v)}`);
      const pos = by === undefined || toStr(by) === 'key' ? 0 : toStr(by) === 'value' ? 1 : -1;
      if (pos === -1) throw renderError("You can only sort by either 'key' or 'value'");
      const pairs = [...v.value].map(([k, x]) => tuple([str(k), x]));
      return list(sortBy(pairs, (p) => lowered((p.value as AnyValue[])[pos], flag(cs)), flag(rev)));
    }],
    ['first', (v) => itemsOf(v, 'first')[0] ?? hinted('No first item, sequence was empty.')],
    ['last', (v) => itemsOf(v, 'last').at(-1) ?? hinted('No last item, sequence was empty.')],
    ['groupby', (v, args, kw) => {
      const [attr, d, cs] = bind('groupby', args, kw, ['attribute', 'default', 'case_sensitive'], 1);
      const get = attrGetter(attr)!;
      const key = (x: AnyValue) => {
        const k = get(x);
        return isUndef(k) && d !== undefined ? d : k;
      };
      const sorted = sortBy(itemsOf(v, 'groupby'), (x) => lowered(key(x), flag(cs)), false);
      const groups: ReturnType<typeof group>[] = [];
      for (const x of sorted) {
        const last = groups.at(-1);
        if (last && equals(lowered(last.value[0], flag(cs)), lowered(key(x), flag(cs)))) (last.value[1].value as AnyValue[]).push(x);
        else groups.push(group(key(x), list([x])));
      }
      return list(groups);
    }],
    ['items', (v) => {
      if (isUndef(v)) return list([]);
      if (!isDict(v)) throw renderError(`items: expected a dict, got ${pyTypeName(v)}`);
      budget().charge(v.value.size);
      return list([...v.value].map(([k, x]) => tuple([str(k), x])));
    }],
    ['join', (v, args, kw) => {
      const [d, attr] = bind('join', args, kw, ['d', 'attribute']);
      const get = attrGetter(attr) ?? ((x: AnyValue) => x);
      const parts = itemsOf(v, 'join').map((x) => toStr(get(x)));
      const sep = d === undefined ? '' : toStr(d);
      budget().chars(parts.reduce((n, p) => n + p.length + sep.length, 0));
      return str(parts.join(sep));
    }],
    ['list', (v) => list([...itemsOf(v, 'list')])],
    ['map', (v, args, kw) => {
      const items = itemsOf(v, 'map');
      if (kw.has('attribute')) {
        const get = attrGetter(kw.get('attribute'))!;
        const d = kw.get('default');
        return list(items.map((x) => {
          const r = get(x);
          return isUndef(r) && d !== undefined ? d : r;
        }));
      }
      if (args.length === 0) throw renderError('map needs a filter name or attribute=');
      const [name, ...rest] = args;
      return list(items.map((x) => apply(toStr(name), x, rest, kw)));
    }],
    ['max', aggregate('max')],
    ['min', aggregate('min')],
    ['reject', selectWith(false, false)],
    ['rejectattr', selectWith(false, true)],
    ['select', selectWith(true, false)],
    ['selectattr', selectWith(true, true)],
    ['reverse', (v) => (isStr(v) ? str(itemsOf(v, 'reverse').map((c) => c.value as string).reverse().join('')) : list([...itemsOf(v, 'reverse')].reverse()))],
    ['slice', (v, args, kw) => {
      const [n, fill] = bind('slice', args, kw, ['slices', 'fill_with'], 1);
      const count = asInt(n, 'slice');
      if (count < 1) throw renderError('slice: slices must be at least 1');
      budget().items(count);
      const items = itemsOf(v, 'slice');
      const per = Math.floor(items.length / count);
      const extra = items.length % count;
      const out: AnyValue[] = [];
      let offset = 0;
      for (let i = 0; i < count; i++) {
        const size = per + (i < extra ? 1 : 0);
        const col = items.slice(offset, offset + size);
        offset += size;
        if (fill !== undefined && !isNone(fill) && i >= extra) col.push(fill);
        out.push(list(col));
      }
      return list(out);
    }],
    ['sort', (v, args, kw) => {
      const [rev, cs, attr] = bind('sort', args, kw, ['reverse', 'case_sensitive', 'attribute']);
      const get = attrGetter(attr) ?? ((x: AnyValue) => x);
      return list(sortBy(itemsOf(v, 'sort'), (x) => lowered(get(x), flag(cs)), flag(rev)));
    }],
    ['sum', (v, args, kw) => {
      const [attr, start] = bind('sum', args, kw, ['attribute', 'start']);
      const get = attrGetter(attr) ?? ((x: AnyValue) => x);
      let total: AnyValue = start ?? int(0);
      for (const x of itemsOf(v, 'sum')) {
        const y = get(x);
        rejectUndefined(y);
        if (!isNumber(total) || !isNumber(y)) throw renderError(`unsupported operand type(s) for +: '${pyTypeName(total)}' and '${pyTypeName(y)}'`);
        const r = numberOf(total) + numberOf(y);
        total = isFloat(total) || isFloat(y) ? float(r) : int(r);
      }
      if (isInt(total) && !Number.isSafeInteger(total.value)) throw renderError('integer overflow in sum');
      return total;
    }],
    ['unique', (v, args, kw) => {
      const [cs, attr] = bind('unique', args, kw, ['case_sensitive', 'attribute']);
      const get = attrGetter(attr) ?? ((x: AnyValue) => x);
      const seen = new Set<string>();
      return list(itemsOf(v, 'unique').filter((x) => {
        const k = hashKey(lowered(get(x), flag(cs)));
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      }));
    }],
  ]);
}

