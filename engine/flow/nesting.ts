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

/**
 * The path to the first value nested deeper than `max` objects/arrays (the top value is level 1),
 * or undefined. Iterative, so it is safe on any value: YAML's block style nests without brackets
 * (`- - - - x`, which the text check above does not see) and a YAML alias can make a value that
 * contains itself (`&a [ *a ]`); both come out of the parser as values the recursive code
 * downstream (hashing, the YAML writer, JSON.stringify) cannot take. A cycle is simply too deep.
 */
export function deepestPath(value: unknown, max = MAX_NESTING): (string | number)[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  // Each entry: a container, its keys, the next key to visit; the stack's length is the depth.
  const stack: { v: object; keys: (string | number)[]; i: number }[] = [];
  const push = (v: object) => stack.push({ v, keys: Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v), i: 0 });
  push(value);
  while (stack.length) {
    if (stack.length > max) return stack.slice(0, -1).map((f) => f.keys[f.i - 1]);
    const top = stack[stack.length - 1];
    if (top.i >= top.keys.length) {
      stack.pop();
      continue;
    }
    const child = (top.v as Record<string | number, unknown>)[top.keys[top.i++]];
    if (child !== null && typeof child === 'object') push(child);
  }
  return undefined;
}
