/**
 * Flow files write references unquoted inside YAML flow collections (`inputs: { q: ${inputs.question} }`),
 * which plain YAML rejects: the braces of `${…}` end the flow mapping. This pre-pass finds plain scalars
 * inside flow collections that contain `${…}` and turns them into double-quoted scalars. It is a single
 * linear scan with a small YAML lexer: block-context scalars, quoted scalars, comments and block scalars
 * are copied untouched, and no line break is ever added or removed, so line numbers stay the same.
 */

export interface QuotedText {
  text: string;
  /** Maps an offset in `text` back to the offset of the same character in the original text. */
  toOriginal(offset: number): number;
}

export function quoteFlowReferences(text: string): string {
  return quoteFlowReferencesMapped(text).text;
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r';
const isFlowIndicator = (c: string | undefined): boolean =>
  c === ',' || c === '[' || c === ']' || c === '{' || c === '}';

export function quoteFlowReferencesMapped(text: string): QuotedText {
  const n = text.length;
  const out: string[] = [];
  const shifts: number[] = []; // pairs [outOffset, delta]: from outOffset on, original = out - delta
  let copied = 0; // original text before this offset has been emitted
  let outLen = 0;
  let delta = 0;

  const endsToken = (j: number): boolean => j >= n || isBlank(text[j]) || text[j] === '\n';
  const lineEnd = (j: number): number => {
    const k = text.indexOf('\n', j);
    return k < 0 ? n : k;
  };
  const emit = (s: string): void => {
    out.push(s);
    outLen += s.length;
  };
  const insert = (s: string): void => {
    emit(s);
    delta += s.length;
    shifts.push(outLen, delta);
  };

  /** Rewrites text[start, end) (a plain scalar) as a double-quoted scalar. */
  const quote = (start: number, end: number): void => {
    emit(text.slice(copied, start));
    insert('"');
    let from = start;
    for (let k = start; k < end; k++) {
      const c = text[k];
      if (c === '\\' || c === '"') {
        emit(text.slice(from, k));
        insert('\\');
        from = k;
      }
    }
    emit(text.slice(from, end));
    insert('"');
    copied = end;
  };

  /** j is at an opening quote; returns the offset after the closing one (may span lines). */
  const skipQuoted = (j: number): number => {
    const q = text[j];
    for (let k = j + 1; k < n; k++) {
      const c = text[k];
      if (q === '"' && c === '\\') k++;
      else if (c === q) {
        if (q === "'" && text[k + 1] === "'") k++;
        else return k + 1;
      }
    }
    return n;
  };

  /** Skips an anchor, tag or alias. */
  const skipProperty = (j: number, inFlow: boolean): number => {
    while (j < n && !endsToken(j) && !(inFlow && isFlowIndicator(text[j]))) j++;
    return j;
  };

  const nextLineIsKey = (j: number): boolean => {
    while (j < n && text[j] !== '\n') {
      const c = text[j];
      if (isFlowIndicator(c)) return false;
      if (c === ':' && endsToken(j + 1)) return true;
      j++;
    }
    return false;
  };

  /** A plain scalar inside a flow collection; quotes it when it holds a `${…}`. Returns its end. */
  const plainInFlow = (start: number): number => {
    let j = start;
    let end = start;
    let hasRef = false;
    while (j < n) {
      const c = text[j];
      // A scalar may fold onto the next line, but not onto a `key:` line: that means the flow
      // collection was never closed, and quoting across would invent a "missing quote" error.
      if (c === '\n' && hasRef && nextLineIsKey(j + 1)) break;
      if (c === '$' && text[j + 1] === '{') {
        let k = j + 2;
        while (k < n && text[k] !== '}' && text[k] !== '{' && text[k] !== '\n') k++;
        if (text[k] === '}') {
          hasRef = true;
          j = end = k + 1;
          continue;
        }
      } else if (isFlowIndicator(c)) break;
      else if (c === ':' && (endsToken(j + 1) || isFlowIndicator(text[j + 1]))) break;
      else if (c === '#' && (isBlank(text[j - 1]) || text[j - 1] === '\n')) break;
      j++;
      if (!isBlank(c) && c !== '\n') end = j;
    }
    if (hasRef) quote(start, end);
    return end;
  };

  /** j is at `{` or `[` in block context; returns the offset after the matching close. */
  const flowCollection = (j: number): number => {
    let depth = 0;
    let jsonLike = false; // the previous token was quoted or a closed collection: `:` may follow tight
    while (j < n) {
      const c = text[j];
      if (c === '{' || c === '[') {
        depth++;
        j++;
        jsonLike = false;
      } else if (c === '}' || c === ']') {
        j++;
        jsonLike = true;
        if (--depth === 0) return j;
      } else if (c === ',' || isBlank(c) || c === '\n') {
        j++;
        if (c === ',') jsonLike = false;
      } else if (c === '#' && (isBlank(text[j - 1]) || text[j - 1] === '\n')) {
        j = lineEnd(j);
      } else if (c === '"' || c === "'") {
        j = skipQuoted(j);
        jsonLike = true;
      } else if (c === ':' && (jsonLike || endsToken(j + 1) || isFlowIndicator(text[j + 1]))) {
        j++;
        jsonLike = false;
      } else if (c === '?' && endsToken(j + 1)) {
        j++;
      } else if (c === '&' || c === '!' || c === '*') {
        j = skipProperty(j, true);
        jsonLike = false;
      } else {
        j = plainInFlow(j);
        jsonLike = false;
      }
    }
    return n;
  };

  /** j is at `|` or `>`; skips the header line and every content line. Returns the next line's start. */
  const blockScalar = (j: number, owner: number): number => {
    const header = /^[|>](?:([1-9])[+-]?|[+-]([1-9]))/.exec(text.slice(j, j + 3));
    const explicit = header ? owner + Number(header[1] ?? header[2]) : -1;
    let indent = explicit;
    let line = lineEnd(j) + 1;
    while (line < n) {
      let k = line;
      while (text[k] === ' ') k++;
      const blank = k >= n || text[k] === '\n' || (text[k] === '\r' && (k + 1 >= n || text[k + 1] === '\n'));
      if (!blank) {
        if (indent < 0) {
          if (k - line <= owner) return line;
          indent = k - line;
        } else if (k - line < indent) return line;
      }
      line = lineEnd(k) + 1;
    }
    return n;
  };

  /** A plain scalar in block context: untouched; returns where it stops (`: `, ` #` or end of line). */
  const plainInBlock = (j: number): number => {
    while (j < n && text[j] !== '\n') {
      if (text[j] === ':' && endsToken(j + 1)) return j;
      if (text[j] === '#' && isBlank(text[j - 1])) return j;
      j++;
    }
    return j;
  };

  let i = n > 0 && text[0] === '\uFEFF' ? 1 : 0;
  let continuation = -2; // a block plain scalar ended the last line; lines indented past this continue it
  while (i < n) {
    // At the start of a line in block context.
    let j = i;
    while (text[j] === ' ') j++;
    const indent = j - i;
    while (isBlank(text[j])) j++;
    if (j >= n || text[j] === '\n' || text[j] === '#') {
      if (text[j] === '#') continuation = -2;
      i = lineEnd(j) + 1;
      continue;
    }
    let owner = -1; // column of the key or `-` that owns what follows (for block scalar indentation)
    if (continuation >= -1 && indent > continuation) {
      j = plainInBlock(j);
      if (j >= n || text[j] === '\n') {
        i = j + 1;
        continue;
      }
    } else if (indent === 0 && (text.startsWith('---', j) || text.startsWith('...', j)) && endsToken(j + 3)) {
      j += 3;
    } else if (indent === 0 && text[j] === '%') {
      j = lineEnd(j);
    }
    continuation = -2;
    let lineAt = i; // start of the line j is on
    let tokenCol = j - i;
    let afterToken = false;
    // Tokens of one line (a flow collection or quoted scalar may carry us onto later lines).
    for (;;) {
      while (isBlank(text[j])) j++;
      const c = text[j];
      if (j >= n || c === '\n') break;
      if (c === '#') {
        j = lineEnd(j);
        break;
      }
      if (c === ':' && endsToken(j + 1)) {
        if (afterToken) owner = tokenCol;
        j++;
        afterToken = false;
        continue;
      }
      if ((c === '-' || c === '?') && endsToken(j + 1) && !afterToken) {
        owner = j - lineAt;
        j++;
        continue;
      }
      tokenCol = j - lineAt;
      afterToken = true;
      if (c === '&' || c === '!' || c === '*') {
        j = skipProperty(j, false);
        afterToken = c === '*';
      } else if (c === '"' || c === "'" || c === '{' || c === '[') {
        const from = j;
        j = c === '"' || c === "'" ? skipQuoted(j) : flowCollection(j);
        for (let k = j - 1; k >= from; k--) {
          if (text[k] === '\n') {
            lineAt = k + 1;
            break;
          }
        }
      } else if (c === '|' || c === '>') {
        j = blockScalar(j, owner) - 1;
        break;
      } else {
        j = plainInBlock(j);
        if (j >= n || text[j] === '\n') {
          continuation = owner;
          break;
        }
      }
    }
    i = j + 1;
  }
  emit(text.slice(copied));
  const result = out.join('');
  return {
    text: result,
    toOriginal(offset: number): number {
      let lo = 0;
      let hi = shifts.length / 2;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (shifts[mid * 2] <= offset) lo = mid + 1;
        else hi = mid;
      }
      return lo === 0 ? offset : Math.max(0, offset - shifts[lo * 2 - 1]);
    },
  };
}
