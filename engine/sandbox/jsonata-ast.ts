/**
 * Walks a parsed JSONata expression (iterative: trees of long expressions are deep), handing each
 * object in it (nodes, and the RegExp literals the parser puts inside them) to `visit`; a visit that
 * returns true does not descend into that object.
 */
export function walkAst(ast: unknown, visit: (node: object) => boolean | void): void {
  const seen = new Set<object>();
  const stack: unknown[] = [ast];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (visit(v) === true) continue;
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push(child);
  }
}

/**
 * Whether an expression can build a long sequence in one step: a range (`[1..9999999]` allocates
 * ten million items in one step no time check can split) or `$eval` (which can hold one).
 */
export function mayBuildRanges(ast: unknown): boolean {
  let found = false;
  walkAst(ast, (n) => {
    const node = n as { type?: string; value?: unknown };
    if ((node.type === 'binary' && node.value === '..') || (node.type === 'variable' && node.value === 'eval')) found = true;
    return found;
  });
  return found;
}
