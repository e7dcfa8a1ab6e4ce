import type { Plan, PlanNode } from '../flow/compile.ts';
import { formatRef, type Ref } from '../flow/references.ts';
import { resolve, type Scope } from './resolve.ts';

/** A node's state in a run (executor.ts); only this one matters to the skip rules. */
export const SKIPPED = 3;

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Why a node is skipped, or undefined when it runs. Weir's rule: it reads a skipped node (unless its
 * type accepts skipped inputs, then: every input comes from one), or its `activate` is false.
 */
export function skipReason(n: PlanNode, plan: Plan, state: Uint8Array, scope: Scope): string | undefined {
  if (n.skipWhenAll) return bypassReason(n, plan, state, scope);
  if (n.deps.length) {
    let skipped = -1, count = 0;
    for (const d of n.deps) if (state[d] === SKIPPED) (count++, skipped < 0 && (skipped = d));
    if (count && !n.def.acceptsSkippedInputs) {
      if (count === n.deps.length) return `every node it reads was skipped (${n.deps.map((d) => plan.nodes[d].name).join(', ')})`;
      return `it reads node "${plan.nodes[skipped].name}", which was skipped`;
    }
    // A node that accepts skipped inputs runs while any input still has a value.
    if (count && n.inputSources.every((src) => src >= 0 && state[src] === SKIPPED)) {
      return `every input comes from a skipped node (${n.deps.map((d) => plan.nodes[d].name).join(', ')})`;
    }
  }
  return n.activate ? activateReason(n.activate, scope) : undefined;
}

/** Prompt flow's rule: `activate` decides when there is one; else skipped when every node it reads was. */
function bypassReason(n: PlanNode, plan: Plan, state: Uint8Array, scope: Scope): string | undefined {
  if (n.activate) {
    const when = n.activate.when;
    if (when.t === 'ref' && when.ref.kind === 'node' && state[when.ref.idx] === SKIPPED) {
      return `activate reads node "${when.ref.node}", which was skipped`;
    }
    return activateReason(n.activate, scope);
  }
  const read = n.inputSources.filter((src) => src >= 0);
  if (read.length && read.every((src) => state[src] === SKIPPED)) {
    return `every node it reads was skipped (${[...new Set(read)].map((d) => plan.nodes[d].name).join(', ')})`;
  }
  return undefined;
}

function activateReason(activate: NonNullable<PlanNode['activate']>, scope: Scope): string | undefined {
  const v = resolve(activate.when, scope);
  if (sameValue(v, activate.is)) return undefined;
  const what = activate.when.t === 'ref' ? formatRef(activate.when.ref as Ref) : 'activate.when';
  return `activate: ${what} is ${JSON.stringify(v) ?? 'undefined'}, not ${JSON.stringify(activate.is)}`;
}

