import RE2 from 're2';
import { WeirError } from '../errors.ts';
import type { BlocklistHit } from './types.ts';

/**
 * Custom blocklists (Azure's "blocklists"): named lists of items, each an exact term (whole words,
 * case-insensitive) or a regular expression. Patterns are hostile input, so they run on RE2
 * (linear time; no backreferences or lookaround, which RE2 refuses at compile time). Each list
 * compiles to one RE2.Set of its terms (without their word boundaries) and patterns, so a text is
 * scanned once per list however many items it has; a term the set finds is then confirmed whole-word
 * with its own expression. (Word boundaries are Unicode classes, which RE2 expands per item: a set of
 * a hundred bounded terms went over RE2's memory budget.) Every matching item is reported, by id;
 * an item's text is never echoed, not even in errors.
 */
export interface BlocklistItem {
  id: string;
  /** An exact term, matched as whole words, ignoring case. */
  term?: string;
  /** An RE2 regular expression, matched ignoring case. */
  pattern?: string;
}

export interface BlocklistDefinition {
  name: string;
  items: BlocklistItem[];
}

export const BLOCKLIST_LIMITS = Object.freeze({ lists: 100, items: 1000, itemLength: 200 });
/** Azure's rule for blocklist names; item ids follow it too. */
const NAME = /^[0-9A-Za-z._~-]{1,64}$/;

// A term matches only between non-word characters (Unicode-aware, which RE2's \b is not).
const BEFORE = '(?:^|[^\\p{L}\\p{N}_])';
const AFTER = '(?:$|[^\\p{L}\\p{N}_])';

const escape = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
const fold = (s: string) => s.normalize('NFKC').toLowerCase();

function refuse(list: string, item: string | undefined, why: string): never {
  const where = item === undefined ? `blocklist "${list}"` : `blocklist "${list}" item "${item}"`;
  throw new WeirError('invalid_config', `${where}: ${why}`);
}

type RE2Set = InstanceType<typeof RE2.Set>;
/** `bounded[i]`: item i's whole-word expression when it is a term (null for a pattern). */
interface CompiledList { set: RE2Set | null; ids: string[]; bounded: (InstanceType<typeof RE2> | null)[] }

function compileList(def: BlocklistDefinition): CompiledList {
  if (!NAME.test(def.name)) refuse(String(def.name).slice(0, 64), undefined, 'a name is 1-64 letters, digits or . _ ~ -');
  if (!Array.isArray(def.items)) refuse(def.name, undefined, 'items must be a list');
  if (def.items.length > BLOCKLIST_LIMITS.items) refuse(def.name, undefined, `has more than ${BLOCKLIST_LIMITS.items} items`);
  const seen = new Set<string>();
  const sources: string[] = [];
  const bounded: (InstanceType<typeof RE2> | null)[] = [];
  for (const item of def.items) {
    const id = item?.id;
    if (typeof id !== 'string' || !NAME.test(id)) refuse(def.name, undefined, 'an item id is 1-64 letters, digits or . _ ~ -');
    if (seen.has(id)) refuse(def.name, id, 'the id is used twice');
    seen.add(id);
    const { term, pattern } = item;
    if ((term === undefined) === (pattern === undefined)) refuse(def.name, id, 'give either a term or a pattern');
    const text = (term ?? pattern) as unknown;
    if (typeof text !== 'string' || text.trim() === '') refuse(def.name, id, 'the term or pattern is empty');
    if (text.length > BLOCKLIST_LIMITS.itemLength) refuse(def.name, id, `longer than ${BLOCKLIST_LIMITS.itemLength} characters`);
    let source: string;
    if (term !== undefined) {
      source = fold(text).trim().split(/\s+/).map(escape).join('\\s+');
      bounded.push(new RE2(`${BEFORE}${source}${AFTER}`, 'iu'));
    } else {
      bounded.push(null);
      source = text;
      try {
        new RE2(source, 'iu');
      } catch (err) {
        // RE2's reason names the construct (e.g. "invalid escape sequence: \1"), not the input text.
        refuse(def.name, id, `the pattern is not a valid RE2 expression (${err instanceof Error ? err.message.split(':')[0] : 'invalid'})`);
      }
    }
    sources.push(source);
  }
  return { set: sources.length > 0 ? compileSet(def.name, sources) : null, ids: def.items.map((i) => i.id), bounded };
}

/** RE2 refuses a set past its memory budget (many large patterns): said of the list, not thrown as a bare error. */
function compileSet(name: string, sources: string[]): RE2Set {
  try {
    return new RE2.Set(sources, 'iu');
  } catch {
    return refuse(name, undefined, 'its patterns together are too large for RE2; split the list or simplify the patterns');
  }
}

export class Blocklists {
  readonly #lists = new Map<string, CompiledList>();

  /** Compiles every list; throws a WeirError (`invalid_config`) naming the list and item at fault. */
  constructor(defs: readonly BlocklistDefinition[] = []) {
    if (defs.length > BLOCKLIST_LIMITS.lists) throw new WeirError('invalid_config', `more than ${BLOCKLIST_LIMITS.lists} blocklists`);
    for (const def of defs) {
      if (this.#lists.has(def.name)) refuse(def.name, undefined, 'the name is used twice');
      this.#lists.set(def.name, compileList(def));
    }
  }

  has(name: string): boolean {
    return this.#lists.has(name);
  }

  get names(): string[] {
    return [...this.#lists.keys()];
  }

  /** Items of the named lists that occur in the text; an unknown name is a configuration error. */
  match(text: string, names: readonly string[]): BlocklistHit[] {
    const hits: BlocklistHit[] = [];
    const folded = fold(text);
    for (const name of names) {
      const list = this.#lists.get(name);
      if (list === undefined) refuse(name, undefined, 'is not defined');
      if (list.set === null) continue;
      for (const i of list.set.match(folded).sort((a, b) => a - b)) {
        if (list.bounded[i]?.test(folded) === false) continue;
        hits.push({ name, id: list.ids[i] });
      }
    }
    return hits;
  }
}
