import type { Problem } from '../errors.ts';

/**
 * A check that threw: a bug in Weir or in a node type (its `check`, a zod refinement), never the
 * flow author's fault, and never a reason to answer 500. Reported as a problem naming where it
 * happened, so the flow is refused with a reason and the bug can be found.
 */
export function unexpectedProblem(what: string, err: unknown, node?: string, path: (string | number)[] = []): Problem {
  const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const where = node ? `node "${node}": ` : '';
  const problem: Problem = { code: 'validation_failed', message: `${where}${what} failed unexpectedly (${why.slice(0, 300)}); this is a bug in Weir or in the node type`, path };
  if (node) problem.node = node;
  return problem;
}
