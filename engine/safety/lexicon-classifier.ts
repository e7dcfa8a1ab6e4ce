import { WeirError } from '../errors.ts';
import type { Blocklists } from './blocklist.ts';
import { CLASSES, LEXICONS, SUPPRESS, type CategoryLexicon, type LexiconKind } from './lexicons/index.ts';
import { Normaliser, type Tokens } from './normalise.ts';
import { compilePattern, matchFrom, patternWords, type CompiledPattern } from './token-pattern.ts';
import {
  maxSeverity, safeClassification, severityRank,
  type Category, type Classification, type ClassifyOptions, type Role, type SafetyClassifier, type Severity,
} from './types.ts';

interface CompiledRule {
  kind: LexiconKind;
  severity: Severity;
  strong: boolean;
  pattern: CompiledPattern;
}

/** Everything the lexicons say, compiled once: patterns indexed by their first word. */
export interface CompiledLexicons {
  normaliser: Normaliser;
  rules: Map<string, CompiledRule[]>;
  suppress: Map<string, CompiledPattern[]>;
  /** Cap word → bit mask of the kinds it caps. */
  caps: Map<string, number>;
  escalate: Set<LexiconKind>;
}

const KINDS = Object.keys(LEXICONS) as LexiconKind[];
const bit = (k: LexiconKind) => 1 << KINDS.indexOf(k);

function index<T>(map: Map<string, T[]>, words: Iterable<string>, item: T): void {
  for (const w of words) {
    const list = map.get(w);
    if (list) list.push(item);
    else map.set(w, [item]);
  }
}

export function compileLexicons(lexicons: Readonly<Record<LexiconKind, CategoryLexicon>> = LEXICONS, suppress: readonly string[] = SUPPRESS): CompiledLexicons {
  const vocab = new Set<string>();
  const rules = new Map<string, CompiledRule[]>();
  const suppressIndex = new Map<string, CompiledPattern[]>();
  const caps = new Map<string, number>();
  const escalate = new Set<LexiconKind>();
  for (const kind of KINDS) {
    const lex = lexicons[kind];
    if (lex.escalate) escalate.add(kind);
    for (const [src, severity, strong] of lex.rules) {
      const pattern = compilePattern(src, CLASSES);
      for (const w of patternWords(pattern)) vocab.add(w);
      index(rules, pattern.first, { kind, severity, strong: strong === 'strong', pattern });
    }
    for (const w of lex.caps ?? []) caps.set(w, (caps.get(w) ?? 0) | bit(kind));
  }
  for (const src of suppress) {
    const pattern = compilePattern(src, CLASSES);
    for (const w of patternWords(pattern)) vocab.add(w);
    index(suppressIndex, pattern.first, pattern);
  }
  for (const w of caps.keys()) vocab.add(w);
  return { normaliser: new Normaliser(vocab), rules, suppress: suppressIndex, caps, escalate };
}

interface Hit { kind: LexiconKind; severity: Severity; sentence: number; start: number; end: number }

/** Blanks suppressed phrases in place, so no rule can use their words. */
function applySuppressions(c: CompiledLexicons, { toks, sent }: Tokens): void {
  for (let i = 0; i < toks.length; i++) {
    const patterns = c.suppress.get(toks[i]);
    if (patterns === undefined) continue;
    for (const p of patterns) {
      const end = matchFrom(p, toks, sent, i);
      if (end < 0) continue;
      toks.fill('', i, end);
      break;
    }
  }
}

function capMasks(c: CompiledLexicons, { toks, sent }: Tokens): number[] {
  const masks: number[] = [];
  for (let i = 0; i < toks.length; i++) {
    const m = c.caps.get(toks[i]);
    if (m !== undefined) masks[sent[i]] = (masks[sent[i]] ?? 0) | m;
  }
  return masks;
}

/** Separate low hits of one kind in one sentence (greedy over non-overlapping spans). */
function countSeparate(hits: Hit[]): number {
  hits.sort((a, b) => a.start - b.start || a.end - b.end);
  let count = 0, end = -1;
  for (const h of hits) if (h.start >= end) { count++; end = h.end; }
  return count;
}

export function classifyTokens(c: CompiledLexicons, tokens: Tokens, role: Role): Omit<Classification, 'blocklist'> {
  applySuppressions(c, tokens);
  const { toks, sent } = tokens;
  const masks = capMasks(c, tokens);
  const out = safeClassification();
  const lows: Hit[] = [];
  for (let i = 0; i < toks.length; i++) {
    const rules = c.rules.get(toks[i]);
    if (rules === undefined) continue;
    for (const r of rules) {
      if (r.kind === 'jailbreak' && role !== 'prompt') continue;
      const end = matchFrom(r.pattern, toks, sent, i);
      if (end < 0) continue;
      const capped = !r.strong && ((masks[sent[i]] ?? 0) & bit(r.kind)) !== 0;
      const severity: Severity = capped ? 'low' : r.severity;
      if (severity === 'low') lows.push({ kind: r.kind, severity, sentence: sent[i], start: i, end });
      if (r.kind === 'jailbreak') out.jailbreak ||= severityRank(severity) >= severityRank('medium');
      else out.categories[r.kind] = maxSeverity(out.categories[r.kind], severity);
    }
  }
  if (lows.length > 0) escalateLows(c, lows, masks, out);
  return { categories: out.categories, jailbreak: out.jailbreak };
}

function escalateLows(c: CompiledLexicons, lows: Hit[], masks: number[], out: Classification): void {
  const jailbreakLows = lows.filter((h) => h.kind === 'jailbreak');
  if (countSeparate(jailbreakLows) >= 2) out.jailbreak = true;
  const groups = new Map<string, Hit[]>();
  for (const h of lows) {
    if (h.kind === 'jailbreak' || !c.escalate.has(h.kind) || ((masks[h.sentence] ?? 0) & bit(h.kind)) !== 0) continue;
    index(groups, [`${h.kind}:${h.sentence}`], h);
  }
  for (const hits of groups.values()) {
    const kind = hits[0].kind as Category;
    if (countSeparate(hits) >= 2) out.categories[kind] = maxSeverity(out.categories[kind], 'medium');
  }
}

let shared: CompiledLexicons | undefined;

/**
 * The offline default classifier: curated lexicons and rules, no model, no network. Synchronous
 * work under an async interface (the interface other providers share); linear in the text.
 */
export class LexiconClassifier implements SafetyClassifier {
  readonly name = 'lexicon';
  readonly #compiled: CompiledLexicons;
  readonly #blocklists?: Blocklists;

  constructor(opts: { blocklists?: Blocklists; lexicons?: CompiledLexicons } = {}) {
    this.#compiled = opts.lexicons ?? (shared ??= compileLexicons());
    this.#blocklists = opts.blocklists;
  }

  classifySync(text: string, opts: ClassifyOptions): Classification {
    opts.signal?.throwIfAborted();
    const base = classifyTokens(this.#compiled, this.#compiled.normaliser.tokens(text), opts.role);
    const names = opts.blocklists ?? [];
    if (names.length > 0 && this.#blocklists === undefined) {
      throw new WeirError('invalid_config', `content safety: blocklist "${names[0]}" is not defined`);
    }
    return { ...base, blocklist: names.length > 0 ? this.#blocklists!.match(text, names) : [] };
  }

  async classify(text: string, opts: ClassifyOptions): Promise<Classification> {
    return this.classifySync(text, opts);
  }
}
