import type { Edge, Node } from '@xyflow/react';
import type { FlowDoc, FlowNodeDoc, NodeTypeInfo, Problem } from '../api/types.ts';
import { flowEdges, type EdgeView } from '../flow/graph.ts';
import { refsIn } from '../flow/refs.ts';
import { INPUTS_NODE, inputsView, nodeView, OUTPUTS_NODE, outputsView, type NodeView } from '../flow/ports.ts';
import type { NodeRun } from '../flow/run-state.ts';

export type Mark = 'added' | 'removed' | 'changed';

export interface WeirNodeData extends Record<string, unknown> {
  view: NodeView;
  /** The node as written (undefined for the flow's inputs/outputs boxes). */
  doc?: FlowNodeDoc;
  run?: NodeRun;
  /** Errors about this node (a run would fail). */
  problems: number;
  /** Warnings about it (a deployment not there yet, feeding no output): it still runs. */
  warnings: number;
  mark?: Mark;
}

export type WeirNode = Node<WeirNodeData, 'weir'>;
export type WeirEdge = Edge<{ ref: string }>;

export interface Decorations {
  run?: Record<string, NodeRun>;
  problems: Problem[];
  marks?: Record<string, Mark>;
}

const views = new WeakMap<FlowNodeDoc, { info?: NodeTypeInfo; view: NodeView }>();

function viewOf(n: FlowNodeDoc, info: NodeTypeInfo | undefined): NodeView {
  const hit = views.get(n);
  if (hit && hit.info === info) return hit.view;
  const view = nodeView(n, info);
  views.set(n, { info, view });
  return view;
}

/**
 * Positions for nodes the layout does not place (a flow written by hand): columns by how deep a node
 * sits behind the flow's inputs, one row per node in its column — a readable start, not a saved one.
 */
export function defaultPositions(doc: FlowDoc): Map<string, [number, number]> {
  const byName = new Map(doc.nodes.map((n) => [n.name, n]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return 0; // a cycle: the validator reports it
    visiting.add(name);
    const n = byName.get(name)!;
    let d = 0;
    for (const r of [...Object.values(n.inputs ?? {}), n.activate?.when, n.map?.over].flatMap((v) => refsIn(v))) {
      if (r.kind === 'node' && byName.has(r.node)) d = Math.max(d, depthOf(r.node) + 1);
    }
    visiting.delete(name);
    depth.set(name, d);
    return d;
  };
  const rows = new Map<number, number>();
  const out = new Map<string, [number, number]>();
  for (const n of doc.nodes) {
    const given = doc.layout?.[n.name];
    if (given) {
      out.set(n.name, given);
      continue;
    }
    const col = depthOf(n.name);
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    out.set(n.name, [col * 300, row * 180]);
  }
  return out;
}

/** Where the flow's inputs and outputs boxes sit when the layout does not say: left and right of all. */
function ioPositions(positions: Iterable<[number, number]>): { inputs: [number, number]; outputs: [number, number] } {
  const ps = [...positions];
  const xs = ps.map((p) => p[0]);
  const ys = ps.map((p) => p[1]);
  const y = ys.length ? (Math.min(...ys) + Math.max(...ys)) / 2 : 0;
  return { inputs: [xs.length ? Math.min(...xs) - 300 : -300, y], outputs: [xs.length ? Math.max(...xs) + 300 : 300, y] };
}

/**
 * The React Flow nodes of a flow. A node object is reused when nothing it shows changed, so React
 * Flow re-renders only the boxes that did: what keeps a 300-node canvas smooth.
 */
export function buildNodes(doc: FlowDoc, types: Record<string, NodeTypeInfo>, prev: Map<string, WeirNode>, deco: Decorations): WeirNode[] {
  const problemCount = new Map<string, number>();
  const warningCount = new Map<string, number>();
  for (const p of deco.problems) {
    if (!p.node) continue;
    const counts = (p as Problem & { severity?: string }).severity === 'warning' ? warningCount : problemCount;
    counts.set(p.node, (counts.get(p.node) ?? 0) + 1);
  }
  const placed = defaultPositions(doc);
  const io = ioPositions(placed.values());
  const make = (id: string, view: NodeView, pos: [number, number], n?: FlowNodeDoc): WeirNode => {
    const old = prev.get(id);
    const data: WeirNodeData = { view, doc: n, run: deco.run?.[id], problems: problemCount.get(id) ?? 0, warnings: warningCount.get(id) ?? 0, mark: deco.marks?.[id] };
    if (
      old && old.position.x === pos[0] && old.position.y === pos[1] && old.data.view === view && old.data.doc === n &&
      old.data.run === data.run && old.data.problems === data.problems && old.data.warnings === data.warnings && old.data.mark === data.mark
    ) return old;
    return { id, type: 'weir', position: { x: pos[0], y: pos[1] }, data, selected: old?.selected ?? false, ...(id === INPUTS_NODE || id === OUTPUTS_NODE ? { deletable: false } : {}) };
  };
  const ioView = (id: string, build: () => NodeView) => {
    const old = prev.get(id)?.data.view;
    const next = build();
    return old && JSON.stringify(old) === JSON.stringify(next) ? old : next;
  };
  const nodes: WeirNode[] = [make(INPUTS_NODE, ioView(INPUTS_NODE, () => inputsView(doc)), doc.layout?.[INPUTS_NODE] ?? io.inputs)];
  for (const n of doc.nodes) nodes.push(make(n.name, viewOf(n, types[n.type]), placed.get(n.name)!, n));
  nodes.push(make(OUTPUTS_NODE, ioView(OUTPUTS_NODE, () => outputsView(doc)), doc.layout?.[OUTPUTS_NODE] ?? io.outputs));
  return nodes;
}

/** Field names each node's output has handles for (references to them leave from that handle). */
export function fieldIndex(doc: FlowDoc, types: Record<string, NodeTypeInfo>): (node: string) => ReadonlySet<string> | undefined {
  const byName = new Map(doc.nodes.map((n) => [n.name, n]));
  return (name) => {
    const n = byName.get(name);
    if (!n) return undefined;
    const outs = viewOf(n, types[n.type]).outputs;
    return new Set(outs.filter((p) => p.id.startsWith('out:')).map((p) => p.name));
  };
}

export function buildEdges(doc: FlowDoc, types: Record<string, NodeTypeInfo>, prev: Map<string, WeirEdge>, marks?: Record<string, Mark>): WeirEdge[] {
  return flowEdges(doc, fieldIndex(doc, types)).map((e: EdgeView) => {
    const old = prev.get(e.id);
    const cls = marks?.[e.target] === 'removed' || marks?.[e.source] === 'removed' ? 'removed' : undefined;
    if (old && old.source === e.source && old.sourceHandle === e.sourceHandle && old.targetHandle === e.targetHandle && old.data?.ref === e.ref && old.label === e.label && old.className === cls) return old;
    return { id: e.id, source: e.source, sourceHandle: e.sourceHandle, target: e.target, targetHandle: e.targetHandle, label: e.label, data: { ref: e.ref }, className: cls, selected: old?.selected ?? false };
  });
}
