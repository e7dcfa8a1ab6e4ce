import { parse } from './jinja-lib.ts';
import { FILTER_NAMES } from './filters.ts';
import { lineCol, tokenize, type Token } from './lexer.ts';
import { rewrite } from './rewrite.ts';
import type { Program } from './runtime-values.ts';
import { TemplateSyntaxError, notFound } from './template-errors.ts';
import { TESTS } from './tests.ts';

/** Largest template, includes counted in: a template past the output cap could not render anyway. */
export const MAX_SOURCE_CHARS = 1024 * 1024;
export const MAX_INCLUDE_DEPTH = 10;

export type Loader = (name: string) => string | undefined;

const where = (t: Token | undefined) => (t ? lineCol(t.file, t.pos) : {});

/** Statements this engine does not have, refused by name instead of the parser's generic message. */
const UNSUPPORTED = new Set(['extends', 'block', 'import', 'from', 'with', 'do', 'autoescape', 'trans']);

/**
 * `{% include "name" %}` is resolved now, by splicing the named template's tokens in place: the
 * template is then one self-contained program (and can be compiled again from `files` where there
 * is no loader, e.g. in a worker). `ignore missing` and `with context` are accepted.
 */
function expand(tokens: Token[], load: Loader | undefined, files: Map<string, string>, stack: string[], total: { chars: number }): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const word = tokens[i + 1];
    if (t.type === 'OpenStatement' && word?.type === 'Identifier' && UNSUPPORTED.has(word.value)) {
      throw new TemplateSyntaxError(`{% ${word.value} %} is not supported (templates may use {% include %})`, where(word));
    }
    if (!(t.type === 'OpenStatement' && word?.type === 'Identifier' && word.value === 'include')) {
      out.push(t);
      continue;
    }
    let j = i + 2;
    while (j < tokens.length && tokens[j].type !== 'CloseStatement') j++;
    const [nameTok, ...rest] = tokens.slice(i + 2, j);
    const words = rest.map((r) => r.value).join(' ');
    if (nameTok?.type !== 'StringLiteral' || !['', 'ignore missing', 'with context', 'ignore missing with context'].includes(words)) {
      throw new TemplateSyntaxError('include takes a quoted template name (optionally "ignore missing"), e.g. {% include "footer.jinja2" %}', where(word));
    }
    const name = nameTok.value;
    if (stack.length >= MAX_INCLUDE_DEPTH) throw new TemplateSyntaxError(`includes nest more than ${MAX_INCLUDE_DEPTH} deep`, where(word));
    if (stack.includes(name)) throw new TemplateSyntaxError(`"${name}" includes itself`, where(word));
    const text = files.get(name) ?? load?.(name);
    if (text === undefined) {
      if (words.startsWith('ignore missing')) {
        i = j;
        continue;
      }
      throw notFound(name, where(word));
    }
    files.set(name, text);
    total.chars += text.length;
    if (total.chars > MAX_SOURCE_CHARS) throw new TemplateSyntaxError(`the template and its includes exceed ${MAX_SOURCE_CHARS} characters`, where(word));
    for (const inner of expand(tokenize(text, name), load, files, [...stack, name], total)) out.push(inner);
    i = j;
  }
  return out;
}

const OPENERS = new Set(['for', 'if', 'macro', 'call', 'filter', 'set']);

/** The block left open, or the end tag that closes nothing: what an "unexpected end" really is. */
function unbalanced(tokens: Token[]): TemplateSyntaxError | undefined {
  const open: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].type !== 'OpenStatement' || tokens[i + 1]?.type !== 'Identifier') continue;
    const w = tokens[i + 1];
    if (w.value === 'set') {
      let j = i + 2;
      while (j < tokens.length && tokens[j].type !== 'CloseStatement' && tokens[j].type !== 'Equals') j++;
      if (tokens[j]?.type === 'Equals') continue;
    }
    if (OPENERS.has(w.value)) open.push(w);
    else if (w.value.startsWith('end')) {
      const top = open.pop();
      if (!top || `end${top.value}` !== w.value) {
        return new TemplateSyntaxError(`{% ${w.value} %} does not close ${top ? `the {% ${top.value} %} at line ${lineCol(top.file, top.pos).line}` : 'any block'}`, where(w));
      }
    }
  }
  const top = open.pop();
  return top && new TemplateSyntaxError(`{% ${top.value} %} is never closed (no {% end${top.value} %})`, where(top));
}

function parseTokens(tokens: Token[]): Program {
  try {
    return parse(tokens);
  } catch (err) {
    if (err instanceof RangeError) throw new TemplateSyntaxError('the template nests too deeply to parse', {}, err);
    // The parser keeps no positions: parse again, noting the furthest token it read.
    let furthest = 0;
    const watched = new Proxy(tokens, {
      get(target, p, receiver) {
        if (typeof p === 'string' && /^\d+$/.test(p)) furthest = Math.max(furthest, Number(p));
        return Reflect.get(target, p, receiver) as unknown;
      },
    });
    try {
      parse(watched);
    } catch {
      /* the same error again */
    }
    // Running off the end (a TypeError on a missing token) means a block or tag left open.
    const atEnd = err instanceof TypeError || furthest >= tokens.length - 1;
    const block = unbalanced(tokens);
    if (block && (atEnd || block.message.includes('does not close'))) throw block;
    const raw = err instanceof Error ? err.message : String(err);
    const message = err instanceof TypeError ? 'unexpected end of template' : raw.replace(/^Parser Error: /, '');
    throw new TemplateSyntaxError(message, where(tokens[Math.min(furthest, tokens.length - 1)]), err);
  }
}

export function compileProgram(source: string, load?: Loader): { program: Program; files: Map<string, string> } {
  if (source.length > MAX_SOURCE_CHARS) throw new TemplateSyntaxError(`the template exceeds ${MAX_SOURCE_CHARS} characters`);
  const files = new Map<string, string>();
  const tokens = expand(tokenize(source), load, files, [], { chars: source.length });
  const program = parseTokens(tokens);
  rewrite(program, {
    filters: FILTER_NAMES,
    tests: new Set(TESTS.keys()),
    locate(kind, name) {
      for (let i = 0; i < tokens.length - 1; i++) {
        const [a, b, c] = [tokens[i], tokens[i + 1], tokens[i + 2]];
        if (kind === 'filter') {
          const t = a.type === 'Pipe' ? b : a.type === 'OpenStatement' && b.value === 'filter' ? c : undefined;
          if (t?.value === name) return where(t);
        }
        if (kind === 'test' && a.value === 'is' && a.type === 'Identifier') {
          const t = b.value === 'not' ? c : b;
          if (t?.value === name) return where(t);
        }
      }
      return {};
    },
  });
  return { program, files };
}
