import { TemplateSyntaxError } from './template-errors.ts';

/**
 * The template lexer. @huggingface/jinja's own `tokenize` is not used: before lexing it runs regexes
 * over the whole source, one of which (for transformers' `{% generation %}` tag) backtracks
 * quadratically on a run of whitespace — measured 80 000 spaces → 5.4 s, inside flow validation on
 * the event loop — and its trim_blocks is a text replace that also eats the newline after "%}" in
 * plain text, and it always drops the trailing newline. This one is a single linear pass with
 * Jinja2's whitespace rules as prompt flow configures them (trim_blocks on, lstrip_blocks off,
 * keep_trailing_newline on), `{% raw %}`, `-`/`+` whitespace control, and positions for errors.
 * It makes the library's token shapes ({ value, type }), which its parser reads.
 */
export interface SourceFile {
  name?: string;
  text: string;
}

export interface Token {
  value: string;
  type: string;
  pos: number;
  file: SourceFile;
}

/** Operators in match order (longest first where they share a prefix), as the library's lexer has them. */
const OPERATORS: [string, string][] = [
  ['(', 'OpenParen'], [')', 'CloseParen'], ['{', 'OpenCurlyBracket'], ['}', 'CloseCurlyBracket'],
  ['[', 'OpenSquareBracket'], [']', 'CloseSquareBracket'], [',', 'Comma'], ['.', 'Dot'], [':', 'Colon'],
  ['|', 'Pipe'], ['<=', 'ComparisonBinaryOperator'], ['>=', 'ComparisonBinaryOperator'],
  ['==', 'ComparisonBinaryOperator'], ['!=', 'ComparisonBinaryOperator'], ['<', 'ComparisonBinaryOperator'],
  ['>', 'ComparisonBinaryOperator'], ['+', 'AdditiveBinaryOperator'], ['-', 'AdditiveBinaryOperator'],
  ['~', 'AdditiveBinaryOperator'], ['**', 'ExponentiationBinaryOperator'], ['*', 'MultiplicativeBinaryOperator'],
  ['//', 'MultiplicativeBinaryOperator'], ['/', 'MultiplicativeBinaryOperator'], ['%', 'MultiplicativeBinaryOperator'],
  ['=', 'Equals'],
];
/** After these a `-` or `+` is binary (`a - 1`); elsewhere it is a sign (`(-1)`, `[-x]`). */
const OPERAND_END = new Set(['Identifier', 'NumericLiteral', 'StringLiteral', 'CloseParen', 'CloseSquareBracket']);
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', "'": "'", '"': '"', '\\': '\\', '0': '\0' };
const IDENT = /[\p{ID_Continue}]/u;
const DIGIT = /[0-9]/;
const WS = /\s/;

export function lineCol(file: SourceFile, pos: number): { line: number; col: number; file?: string } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < pos && i < file.text.length; i++) {
    if (file.text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: pos - start + 1, file: file.name };
}

export function tokenize(text: string, name?: string): Token[] {
  const file: SourceFile = { name, text: text.replace(/\r\n?/g, '\n') };
  const s = file.text;
  const n = s.length;
  const tokens: Token[] = [];
  const fail = (message: string, pos: number): never => {
    throw new TemplateSyntaxError(message, lineCol(file, pos));
  };
  const push = (value: string, type: string, pos: number) => tokens.push({ value, type, pos, file });
  let i = 0;
  let stripNext = false;
  let trimNewline = false;

  const nextTag = (from: number) => {
    for (let k = s.indexOf('{', from); k !== -1 && k < n - 1; k = s.indexOf('{', k + 1)) {
      const c = s[k + 1];
      if (c === '{' || c === '%' || c === '#') return k;
    }
    return n;
  };
  const addText = (start: number, end: number, stripEnd: boolean) => {
    let text = s.slice(start, end);
    let pos = start;
    if (stripNext) {
      const t = text.trimStart();
      pos += text.length - t.length;
      text = t;
    } else if (trimNewline && text.startsWith('\n')) {
      text = text.slice(1);
      pos++;
    }
    stripNext = trimNewline = false;
    if (stripEnd) text = text.trimEnd();
    if (text) push(text, 'Text', pos);
  };
  /** Closes a tag at `k` if one ends there: `-%}`, `+%}`, `%}` (or `}}`); returns where the text resumes. */
  const closeAt = (k: number, end: '%}' | '}}'): number | undefined => {
    const mod = s[k] === '-' || (s[k] === '+' && end === '%}') ? s[k] : '';
    if (s.startsWith(end, k + mod.length)) {
      stripNext = mod === '-';
      trimNewline = end === '%}' && mod === '';
      return k + mod.length + 2;
    }
    return undefined;
  };

  const readNumber = (start: number): [string, number] => {
    let k = start;
    if (s[k] === '0' && /[xXoObB]/.test(s[k + 1] ?? '')) {
      k += 2;
      while (k < n && /[0-9a-fA-F_]/.test(s[k])) k++;
      return [s.slice(start, k).replace(/_/g, ''), k];
    }
    while (k < n && (DIGIT.test(s[k]) || (s[k] === '_' && DIGIT.test(s[k + 1] ?? '')))) k++;
    let isFloat = false;
    if (s[k] === '.' && DIGIT.test(s[k + 1] ?? '') && tokens.at(-1)?.type !== 'Dot') {
      k++;
      while (k < n && (DIGIT.test(s[k]) || (s[k] === '_' && DIGIT.test(s[k + 1] ?? '')))) k++;
      isFloat = true;
    }
    let exp = '';
    const e = /^[eE][+-]?[0-9]+/.exec(s.slice(k, k + 12));
    if (e && tokens.at(-1)?.type !== 'Dot') {
      exp = e[0];
      k += exp.length;
    }
    const mantissa = s.slice(start, k - exp.length).replace(/_/g, '');
    // The parser tells a float by a "." in the text; "1e3" is a float in Jinja2 as in Python.
    return [exp && !isFloat ? `${mantissa}.${exp}` : mantissa + exp, k];
  };

  const readString = (quote: string, start: number): number => {
    let k = start + 1;
    let out = '';
    while (k < n && s[k] !== quote) {
      if (s[k] === '\\' && k + 1 < n) {
        const c = s[k + 1];
        const hex = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
        const cp = hex ? Number.parseInt(s.slice(k + 2, k + 2 + hex), 16) : NaN;
        if (hex && /^[0-9a-fA-F]+$/.test(s.slice(k + 2, k + 2 + hex)) && k + 2 + hex <= n && cp <= 0x10ffff) {
          out += String.fromCodePoint(cp);
          k += 2 + hex;
        } else if (ESCAPES[c] !== undefined) {
          out += ESCAPES[c];
          k += 2;
        } else {
          out += `\\${c}`;
          k += 2;
        }
      } else out += s[k++];
    }
    if (k >= n) fail('unterminated string', start);
    push(out, 'StringLiteral', start);
    return k + 1;
  };

  /** The tokens of one `{{ … }}` or `{% … %}` tag whose opener ends at `k`; returns where text resumes. */
  const readTag = (open: number, k: number, end: '%}' | '}}'): number => {
    let depth = 0;
    for (;;) {
      while (k < n && WS.test(s[k])) k++;
      if (k >= n) fail(`unclosed tag: no "${end}" for the "${s.slice(open, open + 2)}" opened here`, open);
      if (depth === 0 || end === '%}') {
        const resume = closeAt(k, end);
        if (resume !== undefined) {
          push(end, end === '%}' ? 'CloseStatement' : 'CloseExpression', k);
          return resume;
        }
      }
      const c = s[k];
      if (c === '"' || c === "'") {
        k = readString(c, k);
        continue;
      }
      if ((c === '-' || c === '+') && !OPERAND_END.has(tokens.at(-1)?.type ?? '')) {
        if (DIGIT.test(s[k + 1] ?? '')) {
          const [num, next] = readNumber(k + 1);
          push(c + num, 'NumericLiteral', k);
          k = next;
        } else {
          push(c, 'UnaryOperator', k);
          k++;
        }
        continue;
      }
      if (DIGIT.test(c)) {
        const [num, next] = readNumber(k);
        push(num, 'NumericLiteral', k);
        k = next;
        continue;
      }
      const op = OPERATORS.find(([seq]) => s.startsWith(seq, k));
      if (op) {
        if (op[1] === 'OpenCurlyBracket') depth++;
        if (op[1] === 'CloseCurlyBracket') depth--;
        push(op[0], op[1], k);
        k += op[0].length;
        continue;
      }
      if (IDENT.test(c)) {
        const start = k;
        while (k < n && IDENT.test(s[k])) k++;
        push(s.slice(start, k), 'Identifier', start);
        continue;
      }
      fail(`unexpected character "${c}"`, k);
    }
  };

  /** `{% raw %}`: the text up to `{% endraw %}` as it is. Returns where text resumes, or undefined if not raw. */
  const readRaw = (open: number): number | undefined => {
    const head = /^\{%[-+]?\s*raw\s*([-+]?)%\}/.exec(s.slice(open, open + 64));
    if (!head) return undefined;
    const bodyStart = open + head[0].length;
    const endRe = /\{%(-?)\s*endraw\s*([-+]?)%\}/g;
    endRe.lastIndex = bodyStart;
    const end = endRe.exec(s);
    if (!end) fail('unclosed {% raw %}: no {% endraw %}', open);
    let body = s.slice(bodyStart, end!.index);
    if (head[1] === '-') body = body.trimStart();
    if (end![1] === '-') body = body.trimEnd();
    if (body) push(body, 'Text', bodyStart);
    stripNext = end![2] === '-';
    trimNewline = end![2] === '';
    return end!.index + end![0].length;
  };

  while (i < n) {
    const k = nextTag(i);
    addText(i, k, k < n && s[k + 2] === '-');
    if (k >= n) break;
    const kind = s[k + 1];
    if (kind === '#') {
      const close = s.indexOf('#}', k + 2);
      if (close === -1) fail('unclosed comment: no "#}"', k);
      const mod = s[close - 1];
      stripNext = mod === '-' && close - 1 > k + 2;
      trimNewline = mod !== '+' && !stripNext;
      i = close + 2;
      continue;
    }
    if (kind === '%') {
      const raw = readRaw(k);
      if (raw !== undefined) {
        i = raw;
        continue;
      }
    }
    push(kind === '%' ? '{%' : '{{', kind === '%' ? 'OpenStatement' : 'OpenExpression', k);
    const after = s[k + 2] === '-' || (s[k + 2] === '+' && kind === '%') ? k + 3 : k + 2;
    i = readTag(k, after, kind === '%' ? '%}' : '}}');
  }
  return tokens;
}
