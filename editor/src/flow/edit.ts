/**
 * Edits of a flow document. Each returns a new document and shares every unchanged part with the old
 * one, so history is cheap and the canvas redraws only the nodes whose objects changed.
 */
import type { FlowDoc, FlowNodeDoc } from '../api/types.ts';
import { outputRef } from './graph.ts';
import { uniqueName } from './names.ts';
import { ACTIVATE_PORT, INPUTS_NODE, MAP_PORT, NEW_PORT, OUTPUTS_NODE } from './ports.ts';
import { formatRef, isSingleRef, rewriteRefs, type Ref } from './refs.ts';

export interface Connection {
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

export function nodeNames(doc: FlowDoc): Set<string> {
  return new Set(doc.nodes.map((n) => n.name));
}

export function updateNode(doc: FlowDoc, name: string, fn: (n: FlowNodeDoc) => FlowNodeDoc): FlowDoc {
  return { ...doc, nodes: doc.nodes.map((n) => (n.name === name ? fn(n) : n)) };
}

export function addNode(doc: FlowDoc, type: string, at: [number, number], config?: Record<string, unknown>): { doc: FlowDoc; name: string } {
  const name = uniqueName(type, nodeNames(doc));
  const node: FlowNodeDoc = { name, type, inputs: {}, ...(config ? { config } : {}) };
  return { doc: { ...doc, nodes: [...doc.nodes, node], layout: { ...doc.layout, [name]: at } }, name };
}

/** The reference a connection from this source handle writes. */
export function refFor(source: string, sourceHandle: string): Ref {
  const field = sourceHandle.startsWith('out:') ? sourceHandle.slice(4) : undefined;
  if (source === INPUTS_NODE) return { kind: 'input', name: field!, path: [] };
  return { kind: 'node', node: source, path: field ? [field] : [] };
}

/** The name a new input (or flow output) gets from what feeds it: the field, input or node name. */
function newPortName(c: Connection, taken: ReadonlySet<string>): string {
  const field = c.sourceHandle.startsWith('out:') ? c.sourceHandle.slice(4) : c.source;
  return uniqueName(field, taken);
}

/** Writes the `${…}` reference of a new edge into the target's input, condition or the flow's outputs. */
export function connect(doc: FlowDoc, c: Connection): { doc: FlowDoc; port: string } {
  const ref = formatRef(refFor(c.source, c.sourceHandle));
  if (c.target === OUTPUTS_NODE) {
    const outputs = doc.outputs ?? {};
    const port = c.targetHandle === NEW_PORT ? newPortName(c, new Set(Object.keys(outputs))) : c.targetHandle.slice(3);
    const prev = outputs[port];
    const value = typeof prev === 'object' ? { ...prev, reference: ref } : ref;
    return { doc: { ...doc, outputs: { ...outputs, [port]: value } }, port };
  }
  if (c.targetHandle === ACTIVATE_PORT) {
    return { doc: updateNode(doc, c.target, (n) => ({ ...n, activate: { when: ref, is: n.activate?.is ?? true } })), port: ACTIVATE_PORT };
  }
  if (c.targetHandle === MAP_PORT) {
    return { doc: updateNode(doc, c.target, (n) => ({ ...n, map: { ...n.map, over: ref } })), port: MAP_PORT };
  }
  const node = doc.nodes.find((n) => n.name === c.target);
  const port = c.targetHandle === NEW_PORT ? newPortName(c, new Set(Object.keys(node?.inputs ?? {}))) : c.targetHandle.slice(3);
  return { doc: updateNode(doc, c.target, (n) => ({ ...n, inputs: { ...n.inputs, [port]: ref } })), port };
}

const sameRef = (a: Ref, b: Ref) => formatRef(a) === formatRef(b);

/**
 * Removes one edge: a binding that is only this reference goes; inside a template or a structure,
 * just the reference's text is taken out.
 */
export function disconnect(doc: FlowDoc, target: string, targetHandle: string, ref: Ref): FlowDoc {
  const drop = (value: unknown) => (isSingleRef(value) ? undefined : rewriteRefs(value, (r) => (sameRef(r, ref) ? null : undefined)));
  if (target === OUTPUTS_NODE) {
    const port = targetHandle.slice(3);
    const { [port]: _gone, ...rest } = doc.outputs ?? {};
    return { ...doc, outputs: rest };
  }
  return updateNode(doc, target, (n) => {
    if (targetHandle === ACTIVATE_PORT) {
      const { activate: _a, ...rest } = n;
      return rest;
    }
    if (targetHandle === MAP_PORT) {
      const { map: _m, ...rest } = n;
      return rest;
    }
    const port = targetHandle.slice(3);
    const { [port]: value, ...others } = n.inputs ?? {};
    const kept = drop(value);
    return { ...n, inputs: kept === undefined ? others : { ...others, [port]: kept } };
  });
}

/** Deletes nodes with their positions and every edge they had; templates lose only the references. */
export function removeNodes(doc: FlowDoc, names: ReadonlySet<string>): FlowDoc {
  const gone = (r: Ref) => r.kind === 'node' && names.has(r.node);
  const clean = (v: unknown) => rewriteRefs(v, (r) => (gone(r) ? null : undefined));
  const pure = (v: unknown) => isSingleRef(v) && gone(refOf(v as string));
  const nodes = doc.nodes
    .filter((n) => !names.has(n.name))
    .map((n) => {
      const entries = Object.entries(n.inputs ?? {});
      const touched = entries.some(([, v]) => clean(v) !== v) || (n.activate && pure(n.activate.when)) || (n.map && pure(n.map.over));
      if (!touched) return n;
      const inputs = Object.fromEntries(entries.filter(([, v]) => !pure(v)).map(([k, v]) => [k, clean(v)]));
      const next: FlowNodeDoc = { ...n, inputs };
      if (n.activate && pure(n.activate.when)) delete next.activate;
      if (n.map && pure(n.map.over)) delete next.map;
      return next;
    });
  const outputs = Object.fromEntries(Object.entries(doc.outputs ?? {}).filter(([, o]) => !pure(outputRef(o))));
  const layout = Object.fromEntries(Object.entries(doc.layout ?? {}).filter(([k]) => !names.has(k)));
  return { ...doc, nodes, outputs, layout };
}

function refOf(text: string): Ref {
  let found: Ref | undefined;
  rewriteRefs(text, (r) => {
    found = r;
    return undefined;
  });
  return found!;
}

/** Renames a node and every reference to it, wherever it is written. */
export function renameNode(doc: FlowDoc, from: string, to: string): FlowDoc {
  const re = (v: unknown) => rewriteRefs(v, (r) => (r.kind === 'node' && r.node === from ? { ...r, node: to } : undefined));
  const nodes = doc.nodes.map((n) => {
    const base = n.name === from ? { ...n, name: to } : n;
    return re(base) as FlowNodeDoc;
  });
  const outputs = re(doc.outputs ?? {}) as FlowDoc['outputs'];
  const layout = Object.fromEntries(Object.entries(doc.layout ?? {}).map(([k, v]) => [k === from ? to : k, v]));
  return { ...doc, nodes, outputs, layout };
}

export function moveNodes(doc: FlowDoc, positions: Record<string, [number, number]>): FlowDoc {
  return { ...doc, layout: { ...doc.layout, ...positions } };
}

/**
 * Inserts copies of nodes (paste, duplicate): each gets a free name; references between the copies
 * point to the copies, references to anything else stay as they were.
 */
export function insertCopies(doc: FlowDoc, copies: FlowNodeDoc[], positions: Record<string, [number, number]>, offset: [number, number]): { doc: FlowDoc; names: string[] } {
  const taken = nodeNames(doc);
  const renamed = new Map<string, string>();
  for (const n of copies) {
    const name = uniqueName(n.name, taken);
    taken.add(name);
    renamed.set(n.name, name);
  }
  const layout = { ...doc.layout };
  const added = copies.map((n) => {
    const to = renamed.get(n.name)!;
    const p = positions[n.name] ?? [0, 0];
    layout[to] = [p[0] + offset[0], p[1] + offset[1]];
    const moved = rewriteRefs({ ...n, name: to }, (r) => (r.kind === 'node' && renamed.has(r.node) ? { ...r, node: renamed.get(r.node)! } : undefined));
    return { ...(moved as FlowNodeDoc), name: to };
  });
  return { doc: { ...doc, nodes: [...doc.nodes, ...added], layout }, names: added.map((n) => n.name) };
}
