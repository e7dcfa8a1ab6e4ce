import type { Problem } from '../errors.ts';
import type { Analysis, AnalyzedNode } from './analyze.ts';
import { refsOf, type Ref } from './references.ts';

/**
 * Whether each node can never run: its `activate` compares two constants that differ, or it reads
 * (without accepting skipped inputs) a node that can never run. Walked with an explicit stack, as a
 * chain is as deep as it is long; a node met again on the current path (a cycle, reported
 * elsewhere) counts as able to run.
 */
function neverRuns(byName: Map<string, AnalyzedNode>): (n: AnalyzedNode) => boolean {
  const never = new Map<string, boolean>();
  const ownReason = (n: AnalyzedNode) => {
    const when = n.activate?.when;
    return when?.t === 'lit' && JSON.stringify(when.v) !== JSON.stringify(n.activate!.is);
  };
  return (start) => {
    if (never.has(start.name)) return never.get(start.name)!;
    const frames: { n: AnalyzedNode; deps: string[]; i: number; result: boolean }[] = [];
    const onPath = new Set<string>();
    const enter = (n: AnalyzedNode) => {
      const result = ownReason(n);
      const deps = !result && !n.reg?.def.acceptsSkippedInputs ? [...n.deps].filter((d) => byName.has(d)) : [];
      frames.push({ n, deps, i: 0, result });
      onPath.add(n.name);
    };
    enter(start);
    let last = false;
    while (frames.length) {
      const f = frames[frames.length - 1];
      if (f.result || f.i >= f.deps.length) {
        never.set(f.n.name, f.result);
        onPath.delete(f.n.name);
        frames.pop();
        last = f.result;
        if (frames.length) frames[frames.length - 1].result ||= f.result;
        continue;
      }
      const dep = f.deps[f.i++];
      const known = never.get(dep);
      if (known !== undefined) f.result = known;
      else if (!onPath.has(dep)) enter(byName.get(dep)!);
    }
    return last;
  };
}

/**
 * Outputs that can never have a value: they read a node whose `activate` compares two constants
 * that differ, or a node that only reads such nodes. Nodes no output needs are warned about.
 */
export function reachabilityProblems(a: Analysis): Problem[] {
  const byName = new Map(a.nodes.map((n) => [n.name, n]));
  const isNever = neverRuns(byName);
  const problems: Problem[] = [];
  const used = new Set<string>();
  const todo: string[] = [];
  // Aggregation nodes feed the run's metrics, not its outputs: they and what they read are used.
  const roots: [string | undefined, Ref[]][] = [
    ...a.outputs.map(([name, b]): [string, Ref[]] => [name, refsOf(b)]),
    ...a.nodes.filter((n) => n.aggregation).map((n): [undefined, Ref[]] => [undefined, [{ kind: 'node', node: n.name, path: [] }]]),
  ];
  for (const [name, all] of roots) {
    const refs = all.filter((r): r is Extract<Ref, { kind: 'node' }> => r.kind === 'node');
    for (const r of refs) {
      const n = byName.get(r.node);
      if (n && name !== undefined && isNever(n)) {
        problems.push({ code: 'unreachable_output', message: `flow output "${name}" reads node "${n.name}", which can never run (its activate condition is never met)`, node: n.name, path: ['outputs', name] });
      }
      todo.push(r.node);
    }
    // Everything the output reads, directly or through other nodes.
    while (todo.length) {
      const nm = todo.pop()!;
      if (used.has(nm) || !byName.has(nm)) continue;
      used.add(nm);
      for (const d of byName.get(nm)!.deps) todo.push(d);
    }
  }
  for (const n of a.nodes) {
    if (!used.has(n.name) && a.outputs.length > 0) {
      problems.push({ code: 'unused_node', severity: 'warning', message: `node "${n.name}" feeds no flow output`, node: n.name, path: ['nodes', n.index] });
    }
  }
  return problems;
}
