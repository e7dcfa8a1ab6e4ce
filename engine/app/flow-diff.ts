/** A structural diff of two flow definitions: what a reviewer wants to see, not a text diff. */
export interface FlowDiff {
  nodes: {
    added: string[];
    removed: string[];
    changed: { name: string; fields: { field: string; from: unknown; to: unknown }[] }[];
  };
  inputs: { added: string[]; removed: string[]; changed: string[] };
  outputs: { added: string[]; removed: string[]; changed: string[] };
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function keyDiff(a: Obj, b: Obj) {
  return {
    added: Object.keys(b).filter((k) => !(k in a)),
    removed: Object.keys(a).filter((k) => !(k in b)),
    changed: Object.keys(a).filter((k) => k in b && !same(a[k], b[k])),
  };
}

/** Changed fields of a node, with config and inputs compared key by key (`config.top_k`). */
function nodeFields(a: Obj, b: Obj): { field: string; from: unknown; to: unknown }[] {
  const out: { field: string; from: unknown; to: unknown }[] = [];
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const f of fields) {
    if (same(a[f], b[f])) continue;
    if (f === 'config' || f === 'inputs') {
      const x = obj(a[f]), y = obj(b[f]);
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
        if (!same(x[k], y[k])) out.push({ field: `${f}.${k}`, from: x[k] ?? null, to: y[k] ?? null });
      }
    } else out.push({ field: f, from: a[f] ?? null, to: b[f] ?? null });
  }
  return out;
}

export function diffFlows(from: unknown, to: unknown): FlowDiff {
  const nodesOf = (d: unknown) => new Map((Array.isArray(obj(d).nodes) ? (obj(d).nodes as unknown[]) : []).map((n) => [String(obj(n).name), obj(n)]));
  const a = nodesOf(from), b = nodesOf(to);
  return {
    nodes: {
      added: [...b.keys()].filter((n) => !a.has(n)),
      removed: [...a.keys()].filter((n) => !b.has(n)),
      changed: [...a.keys()].filter((n) => b.has(n)).map((name) => ({ name, fields: nodeFields(a.get(name)!, b.get(name)!) })).filter((c) => c.fields.length),
    },
    inputs: keyDiff(obj(obj(from).inputs), obj(obj(to).inputs)),
    outputs: keyDiff(obj(obj(from).outputs), obj(obj(to).outputs)),
  };
}
