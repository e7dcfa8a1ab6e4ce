import type { FlowDoc, FlowNodeDoc, JsonSchema, NodeTypeInfo } from '../api/types.ts';
import { inputTypeTag, schemaTag, type TypeTag } from './port-compat.ts';
import { withInstancePorts } from './signature-ports.ts';

/** The two boxes that stand for the flow's own inputs and outputs on the canvas. */
export const INPUTS_NODE = '__inputs';
export const OUTPUTS_NODE = '__outputs';
/** Target handle that adds a new input (nodes taking inputs of any name) or a new flow output. */
export const NEW_PORT = 'in:+';
export const ACTIVATE_PORT = 'activate';
/** Target handle of a node's `map.over` list (it runs once per item). */
export const MAP_PORT = 'map';

export interface Port {
  /** Handle id: `in:<name>`, `out`, `out:<field>`. */
  id: string;
  name: string;
  tag: TypeTag;
  required?: boolean;
  /** An input bound in the flow file that its node type does not declare (a template variable). */
  extra?: boolean;
}

export interface NodeView {
  kind: 'node' | 'inputs' | 'outputs';
  title: string;
  /** The node's type (`prompt`, `llm` …); empty for the flow's inputs and outputs. */
  type: string;
  category: string;
  inputs: Port[];
  outputs: Port[];
  /** Shows the `+` handle: the node takes inputs of any name, or this is the flow's outputs. */
  acceptsNew: boolean;
  streams: boolean;
  unknownType: boolean;
}

/** Output handles: the whole output, and each top-level field of an object output. */
export function outputPorts(output: JsonSchema): Port[] {
  const ports: Port[] = [{ id: 'out', name: 'output', tag: schemaTag(output) }];
  if (schemaTag(output) === 'object') {
    const props = (output.properties ?? {}) as Record<string, JsonSchema>;
    for (const [k, s] of Object.entries(props)) ports.push({ id: `out:${k}`, name: k, tag: schemaTag(s) });
  }
  return ports;
}

export function nodeView(node: FlowNodeDoc, typeInfo: NodeTypeInfo | undefined): NodeView {
  const info = withInstancePorts(node, typeInfo);
  const declared = info?.inputs ?? {};
  const inputs: Port[] = Object.entries(declared).map(([name, s]) => ({
    id: `in:${name}`, name, tag: schemaTag(s), required: info?.required_inputs.includes(name),
  }));
  for (const name of Object.keys(node.inputs ?? {})) {
    if (!(name in declared)) inputs.push({ id: `in:${name}`, name, tag: info?.extra_inputs ? schemaTag(info.extra_inputs) : 'any', extra: true });
  }
  return {
    kind: 'node',
    title: node.name,
    type: node.type,
    category: info?.category ?? 'unknown',
    inputs,
    outputs: info ? outputPorts(info.output) : [{ id: 'out', name: 'output', tag: 'any' }],
    acceptsNew: !!info?.extra_inputs,
    streams: info?.streams ?? false,
    unknownType: !info,
  };
}

export function inputsView(doc: FlowDoc): NodeView {
  return {
    kind: 'inputs', title: 'Inputs', type: '', category: 'flow', inputs: [], acceptsNew: false, streams: false, unknownType: false,
    outputs: Object.entries(doc.inputs ?? {}).map(([name, d]) => ({ id: `out:${name}`, name, tag: inputTypeTag(d.type) })),
  };
}

export function outputsView(doc: FlowDoc): NodeView {
  return {
    kind: 'outputs', title: 'Outputs', type: '', category: 'flow', outputs: [], acceptsNew: true, streams: false, unknownType: false,
    inputs: Object.entries(doc.outputs ?? {}).map(([name, o]) => ({
      id: `in:${name}`, name, tag: typeof o === 'object' && o.type ? inputTypeTag(o.type) : 'any',
    })),
  };
}
