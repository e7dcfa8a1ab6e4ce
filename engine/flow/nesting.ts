/** Deepest nesting any flow text may have; parsers and walkers recurse, so deeper input is refused up front. */
export const MAX_NESTING = 64;

/**
 * How deep `[`/`{` nest, outside double-quoted strings. Linear and allocation-free, so it can
 * run before a parser that would recurse (or allocate) per level. Over-counts brackets in other
 * scalars, which only makes it stricter.
 */
export function nestingDepth(text: string): number {
  let depth = 0, max = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}
