import type { Problem } from '../errors.ts';
import type { Analysis, ValidateEnv } from './analyze.ts';

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The flows a raw flow document runs through its nodes, as the node types declare them. */
export function flowsUsedBy(raw: unknown, env: ValidateEnv): string[] {
  if (!isObj(raw) || !Array.isArray(raw.nodes)) return [];
  const out: string[] = [];
  for (const n of raw.nodes) {
    if (!isObj(n) || typeof n.type !== 'string') continue;
    const def = env.registry.get(n.type)?.def;
    if (!def?.flowDependencies) continue;
    const cfg = def.config.safeParse(n.config ?? {});
    if (cfg.success) out.push(...def.flowDependencies(cfg.data));
  }
  return out;
}

/** Sub-flows exist, and no chain of sub-flows leads back to a flow already on it. */
export function subflowProblems(a: Analysis, env: ValidateEnv): Problem[] {
  const problems: Problem[] = [];
  // Every search starts from this flow, so its answer depends only on the sub-flow: a flow whose
  // 10 000 nodes all run one sub-flow walks that sub-flow's graph once, not 10 000 times.
  const loops = new Map<string, string[] | undefined>();
  for (const node of a.nodes) {
    const deps = node.reg?.def.flowDependencies && node.config !== undefined ? node.reg.def.flowDependencies(node.config) : [];
    for (const dep of deps) {
      const path = ['nodes', node.index, 'config'];
      const found = env.resolveFlow?.(dep);
      if (found === undefined) {
        problems.push({ code: 'unknown_flow', message: `node "${node.name}" runs flow "${dep}", which was not found`, node: node.name, path });
        continue;
      }
      if (!loops.has(dep)) loops.set(dep, findLoop(dep, a.name, env));
      const chain = loops.get(dep);
      if (chain) {
        problems.push({ code: 'flow_recursion', message: `node "${node.name}" makes flows call themselves: ${chain.join(' → ')}`, node: node.name, path });
      }
    }
  }
  return problems;
}

/**
 * The first chain of sub-flows from `start` that comes back to a flow already on it (`root` is
 * on it first), or undefined. Depth-first with its own stack: sub-flows can nest as deep as there
 * are flows in the store.
 */
function findLoop(start: string, root: string, env: ValidateEnv): string[] | undefined {
  const chain = [root];
  const onChain = new Set(chain);
  const done = new Set<string>();
  const next: Iterator<string>[] = [];
  const enter = (name: string): string[] | undefined => {
    if (onChain.has(name)) return [...chain, name];
    if (done.has(name)) return undefined;
    done.add(name);
    chain.push(name);
    onChain.add(name);
    next.push(flowsUsedBy(env.resolveFlow?.(name), env).values());
    return undefined;
  };
  let loop = enter(start);
  while (!loop && next.length) {
    const step = next[next.length - 1].next();
    if (step.done) {
      next.pop();
      onChain.delete(chain.pop()!);
      continue;
    }
    loop = enter(step.value);
  }
  return loop;
}
