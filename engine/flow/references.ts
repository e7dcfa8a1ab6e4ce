/**
 * `${…}` references are the edges of a flow. They are parsed once, at load, into structured
 * bindings; a run only walks these structures (no string parsing during a run).
 */
export type Segment = string | number;

export type Ref =
  | { kind: 'input'; name: string; path: Segment[] }
  | { kind: 'node'; node: string; path: Segment[] }
  | { kind: 'map'; field: 'item' | 'index'; path: Segment[] };

/** A node input, flow output or activate condition, as written, with its references parsed. */
export type Binding =
  | { t: 'lit'; v: unknown }
  | { t: 'ref'; ref: Ref }
  | { t: 'tpl'; parts: (string | Ref)[] }
  | { t: 'obj'; entries: [string, Binding][] }
  | { t: 'arr'; items: Binding[] };

export class ReferenceSyntaxError extends Error {}

function isIdentChar(c: number): boolean {
  // A-Z a-z 0-9 _ -
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

function refError(src: string, why: string): ReferenceSyntaxError {
  return new ReferenceSyntaxError(`bad reference \${${src}}: ${why}`);
}

/** Reads the segments of a reference; a plain loop (no closures) because flows have thousands. */
function segmentsOf(src: string): Segment[] {
  const s = src.trim();
  const segs: Segment[] = [];
  let i = 0;
  let expectIdent = true;
  while (i < s.length || expectIdent) {
    if (expectIdent) {
      const start = i;
      while (i < s.length && isIdentChar(s.charCodeAt(i))) i++;
      if (i === start) throw refError(src, `expected a name at position ${i + 1}`);
      segs.push(s.slice(start, i));
      expectIdent = false;
      continue;
    }
    const c = s[i];
    if (c === '.') {
      i++;
      expectIdent = true;
    } else if (c === '[') {
      i++;
      const q = s[i];
      if (q === '"' || q === "'") {
        const end = s.indexOf(q, i + 1);
        if (end < 0) throw refError(src, 'unclosed quote');
        segs.push(s.slice(i + 1, end));
        i = end + 1;
      } else {
        const start = i;
        while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
        if (i === start) throw refError(src, 'expected an index or a quoted key inside [ ]');
        // `[01]` would read as 1 and be written back as `[1]`: one spelling per index keeps rewrites exact.
        if (s[start] === '0' && i - start > 1) throw refError(src, 'an index has no leading zero');
        const index = Number(s.slice(start, i));
        // Past 2^53 digits are lost (`[9007199254740993]` reads as …992), so the text would not round-trip.
        if (!Number.isSafeInteger(index)) throw refError(src, 'index too large');
        segs.push(index);
      }
      if (s[i] !== ']') throw refError(src, 'expected ]');
      i++;
    } else {
      throw refError(src, `unexpected "${c}"`);
    }
  }
  return segs;
}

/** Parses the inside of one `${…}`, e.g. `node.output.items[0]["a b"]`. */
export function parseRef(src: string): Ref {
  const [root, ...rest] = segmentsOf(src);
  if (root === 'inputs') {
    if (typeof rest[0] !== 'string') throw refError(src, 'expected ${inputs.<name>}');
    return { kind: 'input', name: rest[0], path: rest.slice(1) };
  }
  if (root === 'map') {
    if (rest[0] !== 'item' && rest[0] !== 'index') throw refError(src, 'expected ${map.item} or ${map.index}');
    return { kind: 'map', field: rest[0], path: rest.slice(1) };
  }
  if (rest[0] !== 'output') throw refError(src, `a node reference reads its output: \${${String(root)}.output…}`);
  return { kind: 'node', node: root as string, path: rest.slice(1) };
}

/**
 * Walks a string in order: literal pieces (`raw` as written, `text` with `$${` read as `${`) and the
 * insides of `${…}` references. Throws on an unclosed reference.
 */
function scanTemplate(s: string, literal: (raw: string, text: string) => void, reference: (inner: string) => void): void {
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('$${', i)) {
      literal('$${', '${');
      i += 3;
      continue;
    }
    if (s.startsWith('${', i)) {
      const end = s.indexOf('}', i + 2);
      if (end < 0) throw new ReferenceSyntaxError(`unclosed reference in "${s}"`);
      reference(s.slice(i + 2, end));
      i = end + 1;
      continue;
    }
    literal(s[i], s[i]);
    i++;
  }
}

/** Splits a string into literal text and references; `$${` writes a literal `${`. */
function parseTemplate(s: string): (string | Ref)[] {
  const parts: (string | Ref)[] = [];
  let text = '';
  scanTemplate(
    s,
    (_raw, t) => (text += t),
    (inner) => {
      if (text) parts.push(text);
      text = '';
      parts.push(parseRef(inner));
    },
  );
  if (text) parts.push(text);
  return parts;
}

/**
 * Rewrites the references written in a string: `fn` returns the new reference, `null` to drop it (its
 * text goes), or `undefined` to keep it. Text that is not a valid reference, or not closed, is kept
 * as written (the validator reports it); `$${` stays a literal.
 */
export function rewriteTemplateRefs(s: string, fn: (r: Ref) => Ref | null | undefined): string {
  if (!s.includes('${')) return s;
  let out = '';
  try {
    scanTemplate(
      s,
      (raw) => (out += raw),
      (inner) => {
        let ref: Ref | undefined;
        try {
          ref = parseRef(inner);
        } catch {
          ref = undefined;
        }
        const next = ref ? fn(ref) : undefined;
        out += next === null ? '' : next ? formatRef(next) : '${' + inner + '}';
      },
    );
  } catch {
    return s;
  }
  return out === s ? s : out;
}

/** Turns a value as written in the flow file into a binding. Throws ReferenceSyntaxError. */
export function parseBinding(value: unknown): Binding {
  if (typeof value === 'string') {
    if (!value.includes('${')) return { t: 'lit', v: value };
    const parts = parseTemplate(value);
    if (parts.length === 1 && typeof parts[0] !== 'string') return { t: 'ref', ref: parts[0] };
    if (parts.every((p) => typeof p === 'string')) return { t: 'lit', v: parts.join('') };
    return { t: 'tpl', parts };
  }
  if (Array.isArray(value)) {
    const items = value.map(parseBinding);
    return items.every((b) => b.t === 'lit') ? { t: 'lit', v: value } : { t: 'arr', items };
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, parseBinding(v)] as [string, Binding]);
    return entries.every(([, b]) => b.t === 'lit') ? { t: 'lit', v: value } : { t: 'obj', entries };
  }
  return { t: 'lit', v: value };
}

/** Every reference inside a binding, in order. */
export function refsOf(b: Binding, out: Ref[] = []): Ref[] {
  switch (b.t) {
    case 'ref':
      out.push(b.ref);
      break;
    case 'tpl':
      for (const p of b.parts) if (typeof p !== 'string') out.push(p);
      break;
    case 'obj':
      for (const [, c] of b.entries) refsOf(c, out);
      break;
    case 'arr':
      for (const c of b.items) refsOf(c, out);
      break;
  }
  return out;
}

/** A name segment written the short way (`.name`) when it can be read back so, else quoted (`["a b"]`). */
function formatKey(key: string): string {
  let plain = key.length > 0;
  for (let i = 0; plain && i < key.length; i++) plain = isIdentChar(key.charCodeAt(i));
  if (plain) return `.${key}`;
  // A template ends a reference at its first `}`, so no spelling of such a key survives a rewrite.
  if (key.includes('}')) throw new ReferenceSyntaxError(`the key ${JSON.stringify(key)} holds "}" and cannot be written in a reference`);
  // The parser has no escapes: a key is closed by the next quote of its kind, so pick the kind it lacks.
  if (!key.includes('"')) return `["${key}"]`;
  if (!key.includes("'")) return `['${key}']`;
  throw new ReferenceSyntaxError(`the key ${JSON.stringify(key)} holds both kinds of quote and cannot be written in a reference`);
}

/**
 * Writes a reference back as text that `parseRef` reads to the same reference: the studio's rename,
 * paste and delete rewrite references through this, so a key it cannot round-trip would corrupt a flow.
 */
export function formatRef(r: Ref): string {
  const head = r.kind === 'input' ? `inputs${formatKey(r.name)}` : r.kind === 'map' ? `map.${r.field}` : `${r.node}.output`;
  return '${' + head + r.path.map((p) => (typeof p === 'number' ? `[${p}]` : formatKey(p))).join('') + '}';
}
