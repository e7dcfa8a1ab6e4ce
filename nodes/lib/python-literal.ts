/**
 * Python literals as `ast.literal_eval` reads them (lists, tuples, dicts, strings, numbers, True,
 * False, None): what a prompt flow template prints when it renders a list of dicts with
 * `{{ message.tool_calls }}` — Jinja prints Python's repr, single quotes and all, not JSON.
 * Only data is read; there is nothing to evaluate. Depth and size are bounded by the caller's text,
 * and nesting by MAX_DEPTH so a hostile `[[[[…` cannot overflow the stack.
 */

const MAX_DEPTH = 64;

export class PythonLiteralError extends Error {}

/** Parses one literal at `start` (after optional whitespace); returns it and where it ended. */
export function parsePythonLiteral(text: string, start = 0): { value: unknown; end: number } {
  let i = start;
  const fail = (what: string): never => {
    throw new PythonLiteralError(`${what} at character ${i - start + 1}`);
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };

  const str = (): string => {
    let raw = false;
    for (; /[rRuU]/.test(text[i] ?? ''); i++) if (text[i] === 'r' || text[i] === 'R') raw = true;
    const q = text[i];
    const triple = text.startsWith(q.repeat(3), i);
    const close = triple ? q.repeat(3) : q;
    i += close.length;
    let out = '';
    for (;;) {
      if (i >= text.length) return fail('unterminated string');
      if (text.startsWith(close, i)) {
        i += close.length;
        return out;
      }
      const c = text[i++];
      if (c === '\n' && !triple) return fail('line break inside a string');
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[i++];
      if (raw) out += `\\${e}`;
      else if (e === undefined) return fail('unterminated string');
      else if (e === '\n') continue;
      else if ('\\\'"'.includes(e)) out += e;
      else if (e in ESCAPES) out += ESCAPES[e];
      else if (e === 'x' || e === 'u' || e === 'U') {
        const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = text.slice(i, i + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return fail(`bad \\${e} escape`);
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff) return fail(`bad \\${e} escape`);
        out += String.fromCodePoint(cp);
        i += n;
      } else out += `\\${e}`; // Python keeps an unknown escape as written
    }
  };

  const value = (depth: number): unknown => {
    if (depth > MAX_DEPTH) return fail(`nested deeper than ${MAX_DEPTH}`);
    ws();
    const c = text[i];
    if (c === '[' || c === '(') return seq(c === '[' ? ']' : ')', depth);
    if (c === '{') return dict(depth);
    if (c === "'" || c === '"' || (/[rRuU]/.test(c ?? '') && /^[rRuU]{1,2}['"]/.test(text.slice(i, i + 3)))) {
      // Adjacent strings concatenate, as in Python source.
      let s = str();
      for (ws(); /['"]/.test(text[i] ?? ''); ws()) s += str();
      return s;
    }
    const word = /^(?:True|False|None)\b/.exec(text.slice(i, i + 6));
    if (word) {
      i += word[0].length;
      return word[0] === 'True' ? true : word[0] === 'False' ? false : null;
    }
    const num = /^[-+]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d+)?/.exec(text.slice(i, i + 400));
    if (num) {
      i += num[0].length;
      return Number(num[0].replaceAll('_', ''));
    }
    return fail(c === undefined ? 'unexpected end' : `unexpected "${c}"`);
  };

  /** Items up to `close`, commas between, a trailing comma allowed. */
  const items = (close: string, one: () => void) => {
    i++;
    for (ws(); text[i] !== close; ws()) {
      one();
      ws();
      if (text[i] === ',') i++;
      else if (text[i] !== close) fail(`expected "," or "${close}"`);
    }
    i++;
  };
  const seq = (close: string, depth: number): unknown[] => {
    const out: unknown[] = [];
    items(close, () => out.push(value(depth + 1)));
    return out;
  };
  const dict = (depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    items('}', () => {
      const key = value(depth + 1);
      ws();
      if (text[i] !== ':') fail('expected ":"');
      i++;
      // Keys are written as strings here; a number key is kept as its text, as JSON would.
      const k = typeof key === 'string' || typeof key === 'number' ? String(key) : fail('a dict key must be a string or a number');
      Object.defineProperty(out, k, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
    });
    return out;
  };

  const v = value(0);
  return { value: v, end: i };
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };
