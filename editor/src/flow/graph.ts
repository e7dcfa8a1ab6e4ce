import type { FlowDoc, FlowOutputDoc } from '../api/types.ts';
import { ACTIVATE_PORT, INPUTS_NODE, MAP_PORT, OUTPUTS_NODE } from './ports.ts';
import { formatRef, refsIn, type Ref, type Segment } from './refs.ts';

export interface EdgeView {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
  /** The reference as written, e.g. `${retrieve.output.chunks[0]}`. */
  ref: string;
  /** The part of the path past the handle (`[0]` above), shown on the edge. */
  label?: string;
}

/** Handles a reference leaves from: a node's field handle when it has one, else its whole output. */
export function sourceOf(ref: Ref, fieldsOf: (node: string) => ReadonlySet<string> | undefined): { node: string; handle: string; rest: Segment[] } | null {
  if (ref.kind === 'input') return { node: INPUTS_NODE, handle: `out:${ref.name}`, rest: ref.path };
  if (ref.kind !== 'node') return null;
  const first = ref.path[0];
  if (typeof first === 'string' && fieldsOf(ref.node)?.has(first)) return { node: ref.node, handle: `out:${first}`, rest: ref.path.slice(1) };
  return { node: ref.node, handle: 'out', rest: ref.path };
}

function pathLabel(rest: Segment[]): string | undefined {
  if (!rest.length) return undefined;
  return rest.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export function outputRef(o: FlowOutputDoc): string {
  return typeof o === 'string' ? o : o.reference;
}

/**
 * The edges of a flow, read from its references: node inputs, `activate.when`, `map.over` and the
 * flow's outputs. Edges to nodes that do not exist are left out (the validator names them).
 */
export function flowEdges(doc: FlowDoc, fieldsOf: (node: string) => ReadonlySet<string> | undefined): EdgeView[] {
  const names = new Set(doc.nodes.map((n) => n.name));
  const edges: EdgeView[] = [];
  const add = (value: unknown, target: string, targetHandle: string) => {
    let i = 0;
    for (const ref of refsIn(value)) {
      const src = sourceOf(ref, fieldsOf);
      if (!src || (src.node !== INPUTS_NODE && !names.has(src.node))) continue;
      edges.push({
        id: `${target}|${targetHandle}|${i++}`,
        source: src.node, sourceHandle: src.handle, target, targetHandle,
        ref: formatRef(ref), label: pathLabel(src.rest),
      });
    }
  };
  for (const n of doc.nodes) {
    for (const [k, v] of Object.entries(n.inputs ?? {})) add(v, n.name, `in:${k}`);
    if (n.activate) add(n.activate.when, n.name, ACTIVATE_PORT);
    if (n.map) add(n.map.over, n.name, MAP_PORT);
  }
  for (const [k, o] of Object.entries(doc.outputs ?? {})) add(outputRef(o), OUTPUTS_NODE, `in:${k}`);
  return edges;
}
