import RE2 from 're2';
import { walkAst } from './jsonata-ast.ts';

/**
 * JSONata's regexes on RE2, a linear-time engine: a backtracking engine (V8's RegExp) runs
 * `$match(s, /(a+)+$/)` on a 30-character input for ~30-40 s here, in one synchronous call that no
 * timer or budget can interrupt; RE2 answers it in microseconds. RE2 has no backreferences and no
 * lookaround; such patterns are refused at validation (`unsupportedRegexes`).
 *
 * Compiling a pattern costs ~4 µs, and JSONata makes a new engine each time a regex literal is
 * evaluated (once per item inside a map), so compiled patterns are shared by source. Sharing is safe
 * because JSONata only calls `exec`, which is synchronous: each engine keeps its own `lastIndex` and
 * lends it to the shared pattern for the length of one call.
 */
const compiled = new Map<string, RE2>();
/** Patterns kept; `$eval` can make new ones at run time, so the cache is bounded (cleared when full). */
const MAX_COMPILED = 256;

function compile(re: RegExp): RE2 {
  const key = `${re.flags}/${re.source}`;
  let r = compiled.get(key);
  if (r === undefined) {
    r = new RE2(re);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, r);
  }
  return r;
}

/** What JSONata asks of its `RegexEngine`: `new Engine(regexp)`, then `lastIndex` and `exec`. */
export class Re2Engine {
  lastIndex = 0;
  readonly #re: RE2;

  constructor(re: RegExp) {
    this.#re = compile(re);
  }

  exec(s: string): RegExpExecArray | null {
    const re = this.#re;
    re.lastIndex = this.lastIndex;
    const m = re.exec(s);
    this.lastIndex = re.lastIndex;
    return m;
  }
}

/** The engine in the type JSONata's options declare. */
export const re2RegexEngine = Re2Engine as unknown as RegExpConstructor;

export interface UnsupportedRegex {
  /** The literal as written, e.g. `/(a)\1/i`. */
  literal: string;
  reason: string;
}

/**
 * Regex literals in a parsed JSONata expression that RE2 cannot run. JSONata's parser turns every
 * literal into a RegExp inside the tree, so a walk over it finds them all. Patterns built at run time with `$eval` are refused when they are compiled.
 */
export function unsupportedRegexes(ast: unknown): UnsupportedRegex[] {
  const out: UnsupportedRegex[] = [];
  walkAst(ast, (v) => {
    if (!(v instanceof RegExp)) return false;
    try {
      compile(v);
    } catch (err) {
      const flags = v.flags.replace('g', '');
      out.push({ literal: `/${v.source}/${flags}`, reason: err instanceof Error ? err.message : String(err) });
    }
    return true;
  });
  return out;
}
