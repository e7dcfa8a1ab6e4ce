import type { PlanBinding, PlanRef } from '../flow/compile.ts';

/** What references read during a run. */
export interface Scope {
  inputs: Record<string, unknown>;
  values: unknown[];
  item?: unknown;
  index?: number;
}

function walk(v: unknown, path: readonly (string | number)[]): unknown {
  for (let i = 0; i < path.length; i++) {
    if (v === null || v === undefined) return undefined;
    const key = path[i];
    // Data only: an inherited member (`__proto__`, `constructor`, `toString`…) or a method would hand a
    // node the shared Object.prototype (which it could then pollute) or the engine's functions.
    if (typeof key === 'string' && key in Object.prototype && !Object.hasOwn(v as object, key)) return undefined;
    v = (v as Record<string | number, unknown>)[key];
    if (typeof v === 'function') return undefined;
  }
  return v;
}

export function readRef(r: PlanRef, s: Scope): unknown {
  const root = r.kind === 'node' ? s.values[r.idx] : r.kind === 'input' ? s.inputs[r.name] : r.field === 'item' ? s.item : s.index;
  return r.path.length === 0 ? root : walk(root, r.path);
}

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function resolve(b: PlanBinding, s: Scope): unknown {
  switch (b.t) {
    case 'lit':
      return b.v;
    case 'ref':
      return readRef(b.ref, s);
    case 'tpl': {
      let out = '';
      for (const p of b.parts) out += typeof p === 'string' ? p : text(readRef(p, s));
      return out;
    }
    case 'obj': {
      const o: Record<string, unknown> = {};
      for (const [k, c] of b.entries) o[k] = resolve(c, s);
      return o;
    }
    case 'arr':
      return b.items.map((c) => resolve(c, s));
  }
}
