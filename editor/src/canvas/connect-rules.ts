import type { FlowDoc, NodeTypeInfo } from '../api/types.ts';
import type { Connection } from '../flow/edit.ts';
import { acceptedTags, inputTypeTag, refusal, schemaTag, type TypeTag } from '../flow/port-compat.ts';
import { ACTIVATE_PORT, INPUTS_NODE, MAP_PORT, NEW_PORT, OUTPUTS_NODE } from '../flow/ports.ts';
import { refsIn } from '../flow/refs.ts';

/** The type a source handle gives. */
function sourceType(doc: FlowDoc, types: Record<string, NodeTypeInfo>, c: Connection): TypeTag {
  const field = c.sourceHandle.startsWith('out:') ? c.sourceHandle.slice(4) : undefined;
  if (c.source === INPUTS_NODE) return inputTypeTag(doc.inputs?.[field!]?.type);
  const node = doc.nodes.find((n) => n.name === c.source);
  const out = node && types[node.type]?.output;
  if (!out) return 'any';
  if (!field) return schemaTag(out);
  return schemaTag(((out.properties ?? {}) as Record<string, Record<string, unknown>>)[field]);
}

/** The types a target handle takes. */
function targetTypes(doc: FlowDoc, types: Record<string, NodeTypeInfo>, c: Connection): TypeTag[] {
  if (c.targetHandle === ACTIVATE_PORT || c.targetHandle === NEW_PORT) return ['any'];
  if (c.targetHandle === MAP_PORT) return ['array'];
  const port = c.targetHandle.slice(3);
  if (c.target === OUTPUTS_NODE) {
    const o = doc.outputs?.[port];
    return [typeof o === 'object' && o.type ? inputTypeTag(o.type) : 'any'];
  }
  const node = doc.nodes.find((n) => n.name === c.target);
  const info = node && types[node.type];
  if (!info) return ['any'];
  return acceptedTags(info.inputs[port] ?? info.extra_inputs ?? undefined);
}

/** Nodes `from` feeds, directly or through others (what a new edge into `from` would close a cycle with). */
function downstream(doc: FlowDoc, from: string): Set<string> {
  const feeds = new Map<string, string[]>();
  for (const n of doc.nodes) {
    const values = [...Object.values(n.inputs ?? {}), n.activate?.when, n.map?.over];
    for (const r of values.flatMap((v) => refsIn(v))) {
      if (r.kind === 'node') feeds.set(r.node, [...(feeds.get(r.node) ?? []), n.name]);
    }
  }
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    for (const next of feeds.get(stack.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

const label = (node: string, handle: string) => {
  const field = handle.includes(':') ? handle.slice(handle.indexOf(':') + 1) : handle === 'out' ? 'output' : handle;
  if (node === INPUTS_NODE) return `flow input "${field}"`;
  if (node === OUTPUTS_NODE) return `flow output "${field}"`;
  return `${node}.${field}`;
};

/** Why this connection cannot be made, or null. Called while a wire is dragged: cheap checks first. */
export function connectionProblem(doc: FlowDoc, types: Record<string, NodeTypeInfo>, c: Connection): string | null {
  if (c.source === c.target) return 'a node cannot feed itself';
  if (c.target === INPUTS_NODE) return 'the flow inputs only give values';
  if (c.source === OUTPUTS_NODE) return 'the flow outputs only take values';
  if (c.target !== OUTPUTS_NODE && c.source !== INPUTS_NODE && downstream(doc, c.target).has(c.source)) {
    return `${c.target} already feeds ${c.source}: this edge would make a cycle`;
  }
  const why = refusal(sourceType(doc, types, c), targetTypes(doc, types, c), label(c.source, c.sourceHandle), label(c.target, c.targetHandle));
  return why;
}
