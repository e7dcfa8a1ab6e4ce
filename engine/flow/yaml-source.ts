/**
 * The flow-file text layer: YAML (or JSON) text ⇄ plain flow objects, with 1-based positions for every
 * problem and for any path inside the file, and a writer that keeps the user's comments and layout.
 * References (`${…}`) stay strings here; they are parsed into structured form elsewhere.
 */
import { deepestPath, MAX_NESTING, nestingDepth } from './nesting.ts';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import { duplicateKeys } from './yaml-keys.ts';
import type { Document, YAMLError } from 'yaml';
import type { Problem } from '../errors.ts';
import { quoteFlowReferencesMapped } from './yaml-quote.ts';
import type { QuotedText } from './yaml-quote.ts';
import { sameData, writeFlowYamlClean, writeFlowYamlInto } from './yaml-write.ts';

export { quoteFlowReferences } from './yaml-quote.ts';

export interface SourcePosition {
  line: number;
  col: number;
}

export interface ParsedFlowText {
  /** The parsed value (references as strings); undefined when the text has syntax errors. */
  value: unknown;
  /** The YAML document, for writing the flow back with its comments (see writeFlowYaml). */
  doc: Document | undefined;
  problems: Problem[];
  /** 1-based line/column of the node at `path`, or of its closest existing ancestor. */
  locate(path: (string | number)[]): SourcePosition | undefined;
}

const tooDeep: Problem = { code: 'too_deep', message: `the text nests values deeper than ${MAX_NESTING} levels (or a YAML alias contains itself)`, path: [] };
const STACK_OVERFLOW = /maximum call stack/i;

export function parseFlowText(text: string, fileName?: string): ParsedFlowText {
  if (nestingDepth(text) > MAX_NESTING) {
    const problem: Problem = { code: 'too_deep', message: `the text nests [ ] / { } deeper than ${MAX_NESTING} levels`, path: [] };
    return { value: undefined, doc: undefined, problems: [problem], locate: () => undefined };
  }
  const isJson = fileName?.toLowerCase().endsWith('.json') ?? false;
  const quoted: QuotedText = isJson ? { text, toOriginal: (o) => o } : quoteFlowReferencesMapped(text);
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  const at = (offset: number): SourcePosition => lines.linePos(quoted.toOriginal(offset));

  // Duplicate keys are found by duplicateKeys (linear), not by the parser (quadratic per mapping).
  const doc = parseDocument(quoted.text, { prettyErrors: false, uniqueKeys: false, keepSourceTokens: false });
  const problems: Problem[] = [...doc.errors, ...doc.warnings].map((e) => yamlProblem(e, at));
  for (const d of duplicateKeys(doc)) problems.push({ code: 'yaml_syntax', message: `duplicate key ${JSON.stringify(String(d.key))}`, path: [], ...at(d.offset) });
  const locate = (path: (string | number)[]): SourcePosition | undefined => locateIn(doc, path, at);
  let value: unknown;
  if (problems.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      problems.push({ code: 'yaml_syntax', message: (err as Error).message, path: [], line: 1, col: 1 });
    }
  }
  // Block style nests without brackets, and an alias can hold itself: both pass the text check.
  const deep = problems.length === 0 ? deepestPath(value) : undefined;
  if (deep) problems.push({ ...tooDeep, ...(locate(deep) ?? { line: 1, col: 1 }) });
  if (problems.some((p) => STACK_OVERFLOW.test(p.message))) {
    // The parser recurses per level and reports running out of stack as a syntax error (~1 000 levels).
    return { value: undefined, doc, problems: [{ ...tooDeep, line: 1, col: 1 }], locate };
  }
  if (problems.length > 0) return { value: undefined, doc, problems, locate };
  if (doc.contents === null) {
    problems.push({ code: 'empty_file', message: 'the flow file is empty', path: [], line: 1, col: 1 });
  } else if (!isMap(doc.contents)) {
    const pos = doc.contents.range ? at(doc.contents.range[0]) : { line: 1, col: 1 };
    problems.push({ code: 'not_a_mapping', message: 'a flow file must be a mapping of keys to values', path: [], ...pos });
  } else {
    attachLeadingComments(doc, quoted.text);
  }
  return { value, doc, problems, locate };
}

/**
 * Writes a flow object as YAML. With the document it was read from, that document is updated in place
 * (comments, key order and scalar styles kept; `nodes` matched by name); without, clean block YAML.
 * Either way `parseFlowText(result).value` deep-equals `value`: should an in-place update not re-read
 * as `value` (anchors/aliases shared between changed parts), the clean form is written instead.
 */
export function writeFlowYaml(value: unknown, doc?: Document): string {
  return writeFlowYamlKept(value, doc).text;
}

/** writeFlowYaml, also giving the document the text parses to when it was checked (to edit it next). */
export function writeFlowYamlKept(value: unknown, doc?: Document): { text: string; doc?: Document } {
  if (doc) {
    try {
      const text = writeFlowYamlInto(value, doc);
      const back = parseFlowText(text);
      if (back.value !== undefined && sameData(back.value, value)) return { text, doc: back.doc };
    } catch {
      // fall through to the clean form
    }
  }
  return { text: writeFlowYamlClean(value) };
}

function yamlProblem(e: YAMLError, at: (offset: number) => SourcePosition): Problem {
  return { code: 'yaml_syntax', message: e.message.split('\n')[0], path: [], ...at(e.pos[0]) };
}

function locateIn(doc: Document, path: (string | number)[], at: (offset: number) => SourcePosition): SourcePosition | undefined {
  let node: unknown = doc.contents;
  if (!isNode(node)) return undefined;
  let found: SourcePosition | undefined = node.range ? at(node.range[0]) : undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value !== null && String(p.key.value) === String(seg));
      if (!pair) break;
      const missing = !isNode(pair.value) || (isScalar(pair.value) && pair.value.source === '' && pair.value.value === null);
      if (missing) return isNode(pair.key) && pair.key.range ? at(pair.key.range[0]) : found;
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(String(seg))) {
      node = node.items[Number(seg)];
      if (!isNode(node)) break;
    } else break;
    if (isNode(node) && node.range) found = at(node.range[0]);
  }
  return found;
}

/**
 * YAML hangs the comment above a block sequence's first item on the sequence itself, and a comment on
 * the `key:` line there too. Move them to the first item and the key, so that they travel with the item
 * when the writer reorders or removes items (the nodes list).
 */
function attachLeadingComments(doc: Document, source: string): void {
  visit(doc, {
    Pair(_, pair) {
      const seq = pair.value;
      if (!isSeq(seq) || seq.flow || !seq.commentBefore || !isNode(seq.items[0]) || !seq.range) return;
      const lines = seq.commentBefore.split('\n');
      if (isScalar(pair.key) && pair.key.range && !pair.key.comment) {
        const keyLine = source.slice(pair.key.range[1], seq.range[0]).split('\n')[0];
        if (keyLine.includes('#')) pair.key.comment = lines.shift();
      }
      const first = seq.items[0];
      if (lines.length > 0) first.commentBefore = first.commentBefore ? `${lines.join('\n')}\n${first.commentBefore}` : lines.join('\n');
      first.spaceBefore = first.spaceBefore || seq.spaceBefore;
      seq.commentBefore = undefined;
      seq.spaceBefore = undefined;
    },
  });
}
