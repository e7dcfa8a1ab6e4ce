import type { Problem } from '../errors.ts';
import type { Analysis } from './analyze.ts';

/** A cycle longer than this is named by its first and last nodes (the message stays readable). */
const NAMED = 12;

function cycleMessage(path: string[], from: number, back: string): string {
  const len = path.length - from;
  if (len <= NAMED) return `cycle: ${[...path.slice(from), back].join(' → ')}`;
  const head = path.slice(from, from + NAMED - 3);
  const tail = path.slice(path.length - 2);
  return `cycle of ${len} nodes: ${head.join(' → ')} → … ${len - head.length - tail.length} more … → ${tail.join(' → ')} → ${back}`;
}

/**
 * Every cycle once, naming its nodes in order. A depth-first walk with its own stack: a chain of
 * 100 000 nodes is 100 000 levels deep, which overflowed the call stack when this recursed.
 */
export function cycleProblems(a: Analysis): Problem[] {
  const byName = new Map(a.nodes.map((n) => [n.name, n]));
  const done = new Set<string>();
  /** The nodes on the walk's current path, in order, with their position in it. */
  const path: string[] = [];
  const onPath = new Map<string, number>();
  const next: Iterator<string>[] = [];
  const problems: Problem[] = [];
  const enter = (name: string) => {
    onPath.set(name, path.length);
    path.push(name);
    next.push(byName.get(name)!.deps.values());
  };
  for (const root of a.nodes) {
    if (done.has(root.name) || onPath.has(root.name)) continue;
    enter(root.name);
    while (path.length) {
      const step = next[next.length - 1].next();
      if (step.done) {
        const name = path.pop()!;
        next.pop();
        onPath.delete(name);
        done.add(name);
        continue;
      }
      const dep = step.value;
      if (!byName.has(dep) || done.has(dep)) continue;
      const at = onPath.get(dep);
      if (at === undefined) enter(dep);
      else problems.push({ code: 'cycle', message: cycleMessage(path, at, dep), node: dep, path: ['nodes', byName.get(dep)!.index] });
    }
  }
  return problems;
}
