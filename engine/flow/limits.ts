import type { ProblemCode } from '../error-codes.ts';
import type { Problem } from '../errors.ts';
import { deepestPath, MAX_NESTING } from './nesting.ts';

/**
 * Most nodes one flow may have. Every check is linear in the graph and keeps its own stack, so this
 * bounds time, not the call stack. Measured in-process on the 2-core VM: a chain of pass-through
 * nodes validates in ~70 ms at 10 000 nodes and 1–2 s at 100 000, and runs in ~60 ms; 100 000
 * prompt/transform nodes take ~8.5 s (their template and expression checks). The studio is tuned
 * for 300 nodes, and over HTTP the 1 MB body cap stops a flow near 10 000 minimal nodes first; this
 * limit is for the CLI and the library, where a 100 000-node file is still checked in seconds.
 */
export const MAX_FLOW_NODES = 100_000;

/**
 * Most problems one validation lists. A generated flow can be wrong in every node: 100 000
 * problems are tens of megabytes of JSON nobody reads; the first thousand say what is wrong.
 */
export const MAX_PROBLEMS = 1000;

/** Codes of the problems that stop a draft from being stored: the server could not serve it back. */
export const UNSTORABLE: ReadonlySet<ProblemCode> = new Set(['not_a_mapping', 'too_deep', 'too_many_nodes']);

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * The limits checked before anything else reads the document (each later check walks it, some
 * recursively over values, so a document past them gets no other problem).
 */
export function limitProblems(raw: unknown): Problem[] {
  const deep = deepestPath(raw);
  if (deep) {
    return [{ code: 'too_deep', message: `the flow nests values deeper than ${MAX_NESTING} levels (or a YAML alias contains itself) at ${deep.slice(0, 8).join('.')}${deep.length > 8 ? '…' : ''}`, path: deep }];
  }
  const nodes = raw !== null && typeof raw === 'object' ? (raw as { nodes?: unknown }).nodes : undefined;
  if (Array.isArray(nodes) && nodes.length > MAX_FLOW_NODES) {
    return [{ code: 'too_many_nodes', message: `the flow has ${fmt(nodes.length)} nodes; a flow may have at most ${fmt(MAX_FLOW_NODES)} (split it into sub-flows)`, path: ['nodes'] }];
  }
  return [];
}

/** The problem that stands for the ones past MAX_PROBLEMS (a warning when none of them is an error). */
export function moreProblems(more: number, ok: boolean): Problem {
  const note: Problem = { code: 'too_many_problems', message: `${fmt(more)} more problems are not listed (the first ${fmt(MAX_PROBLEMS)} are)`, path: [] };
  if (ok) note.severity = 'warning';
  return note;
}
