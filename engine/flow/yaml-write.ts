/**
 * Writing a flow object back to YAML. Given the Document it was read from, the document is updated in
 * place, node by node, so that comments, key order and the scalar styles of unchanged values survive an
 * edit made in the editor; without one, a clean block-style document is written.
 */
import { Document, isAlias, isCollection, isMap, isNode, isScalar, isSeq, Scalar, visit } from 'yaml';
import type { CreateNodeOptions, Node, ToStringOptions, YAMLMap, YAMLSeq } from 'yaml';

const CREATE: CreateNodeOptions = { aliasDuplicateObjects: false };
// Long double-quoted strings are kept on one line: the yaml stringifier's line folding of them can lose
// escapes ("a\n \n b" longer than 40 characters).
const TO_STRING: ToStringOptions = { lineWidth: 0, doubleQuotedMinMultiLineLength: Number.MAX_SAFE_INTEGER };

/** Writes `value` with no source document: block style, the object's key order. */
export function writeFlowYamlClean(value: unknown): string {
  const doc = new Document(value, CREATE);
  return finish(doc);
}

/** Updates `doc` in place to hold `value`, keeping what can be kept, and writes it. */
export function writeFlowYamlInto(value: unknown, doc: Document): string {
  doc.contents = update(doc, doc.contents, value) as Node;
  return finish(doc);
}

function finish(doc: Document): string {
  const layout = isMap(doc.contents) && !doc.contents.flow ? doc.contents.items.find((p) => keyOf(p.key) === 'layout') : undefined;
  if (layout && isMap(layout.value)) {
    const map = layout.value;
    if (map.flow) {
      // One line per node: the comment after a one-line flow map moves up beside its key.
      if (map.comment && isScalar(layout.key) && !layout.key.comment) {
        layout.key.comment = map.comment;
        map.comment = undefined;
      }
      map.flow = false;
    }
    for (const p of map.items) if (isCollection(p.value)) p.value.flow = true;
  }
  harden(doc);
  const text = tightenLayout(doc.toString(TO_STRING));
  // A reader drops one byte-order mark at the start: keep a first key that begins with one.
  return text.startsWith('\uFEFF') ? `\uFEFF${text}` : text;
}

/**
 * The yaml stringifier can write multi-line strings that do not read back: plain scalars in flow
 * collections, and block scalars with whitespace-only lines. Double-quote those.
 */
function harden(doc: Document): void {
  visit(doc, {
    Scalar(key, node, path) {
      const block = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
      if (typeof node.value !== 'string' || (!block && !/[\n\r\u0085\u2028\u2029]/.test(node.value))) return;
      const inFlow = key === 'key' || path.some((p) => isCollection(p) && p.flow);
      const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
      if (inFlow ? !quoted : /(^|\n)[ \t]+(\n|$)|[\r\u0085\u2028\u2029]/.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
}

/** `retrieve: [ 0, 0 ]` → `retrieve: [0, 0]` inside the top-level `layout:` block. */
function tightenLayout(text: string): string {
  const lines = text.split('\n');
  let inLayout = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\S/.test(line)) inLayout = /^layout:(\s*#.*)?$/.test(line);
    else if (inLayout) lines[i] = line.replace(/^(\s+[^\s#][^#]*?: )\[ ([^[\]{}"'#]*) \](\s*#.*)?$/, '$1[$2]$3');
  }
  return lines.join('\n');
}

function keyOf(key: unknown): string | undefined {
  return isScalar(key) && key.value !== null && typeof key.value !== 'object' ? String(key.value) : undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function named(v: unknown): string | undefined {
  return isPlainObject(v) && typeof v.name === 'string' ? v.name : undefined;
}

function namedNode(n: unknown): string | undefined {
  if (!isMap(n)) return undefined;
  const name = n.items.find((p) => keyOf(p.key) === 'name')?.value;
  return isScalar(name) && typeof name.value === 'string' ? name.value : undefined;
}

/** Returns the node that should hold `value`: `node` itself (updated) when it fits, else a new node. */
function update(doc: Document, node: unknown, value: unknown, parentFlow = false): unknown {
  if (value === undefined) value = null;
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (target && sameData(target.toJS(doc), value)) return node;
    return fresh(doc, node, value);
  }
  if (Array.isArray(value)) {
    if (!isSeq(node)) return fresh(doc, node, value);
    const wasEmpty = node.items.length === 0;
    updateSeq(doc, node, value);
    return unfold(node, wasEmpty, parentFlow);
  }
  if (isPlainObject(value)) {
    if (!isMap(node)) return fresh(doc, node, value);
    const wasEmpty = node.items.length === 0;
    updateMap(doc, node, value);
    return unfold(node, wasEmpty, parentFlow);
  }
  if (isScalar(node)) {
    if (sameData(node.value, value) && typeof node.value === typeof value) return node;
    if (typeof node.value === 'string' && typeof value === 'string' && !node.anchor) {
      node.value = value; // keeps the quoting/block style and comments
      return node;
    }
  }
  return fresh(doc, node, value);
}

/**
 * `nodes: []` written by hand was only ever meant to be empty: once it holds something it is written in
 * block style, not as one long line (a collection inside a flow collection stays flow).
 */
function unfold(node: YAMLMap | YAMLSeq, wasEmpty: boolean, parentFlow: boolean): Node {
  if (wasEmpty && node.flow && !parentFlow && node.items.length) node.flow = false;
  return node;
}

function fresh(doc: Document, old: unknown, value: unknown): Node {
  const node = doc.createNode(value, CREATE);
  if (isNode(old)) {
    node.commentBefore = old.commentBefore;
    node.comment = old.comment;
    node.spaceBefore = old.spaceBefore;
  }
  return node;
}

function updateMap(doc: Document, map: YAMLMap, obj: Record<string, unknown>): void {
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
  const wanted = new Set(keys);
  const seen = new Set<string>();
  map.items = map.items.filter((pair) => {
    const key = keyOf(pair.key);
    if (key === undefined || !wanted.has(key) || seen.has(key)) return false;
    seen.add(key);
    pair.value = update(doc, pair.value, obj[key], !!map.flow);
    return true;
  });
  for (const key of keys) if (!seen.has(key)) map.items.push(doc.createPair(key, obj[key], CREATE));
}

function updateSeq(doc: Document, seq: YAMLSeq, arr: unknown[]): void {
  const byName = arr.length > 0 && arr.every((v) => named(v) !== undefined) && seq.items.every((n) => namedNode(n) !== undefined);
  if (!byName) {
    seq.items = arr.map((v, i) => update(doc, seq.items[i], v, !!seq.flow));
    return;
  }
  const pool = new Map<string, unknown[]>();
  for (const item of seq.items) {
    const name = namedNode(item) as string;
    const list = pool.get(name);
    if (list) list.push(item);
    else pool.set(name, [item]);
  }
  seq.items = arr.map((v) => update(doc, pool.get(named(v) as string)?.shift() ?? null, v, !!seq.flow));
}

/** Deep equality of plain data (JSON-like), treating undefined object members as absent. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return a !== 0 || 1 / (a as number) === 1 / (b as number);
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return (a === undefined || a === null) && (b === undefined || b === null) && Array.isArray(a) === Array.isArray(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameData(x, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && sameData(ao[k], bo[k]));
}
