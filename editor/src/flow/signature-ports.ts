import type { FlowNodeDoc, JsonSchema, NodeTypeInfo } from '../api/types.ts';

/**
 * A Python tool's signature as the server reads it (engine/sandbox/python/signature-types.ts; the
 * editor may not import it, so its shape is repeated here).
 */
export type PythonValueType = 'string' | 'int' | 'double' | 'bool' | 'list' | 'object' | 'any' | 'connection';
export interface PythonParam {
  name: string;
  type: PythonValueType;
  annotation?: string;
  has_default: boolean;
  default?: unknown;
  connection_class?: string;
}
export interface PythonSignature {
  function: string;
  params: PythonParam[];
  kwargs: boolean;
  returns: PythonValueType;
  generator: boolean;
  imports: string[];
}

// The same mapping as the server's ports (nodes/lib/python-tool.ts), so the canvas and validation agree.
const SCHEMA_OF: Record<PythonValueType, JsonSchema> = {
  string: { type: 'string' },
  int: { type: 'integer' },
  double: { type: 'number' },
  bool: { type: 'boolean' },
  list: { type: 'array' },
  object: { type: 'object' },
  any: {},
  connection: { type: 'string' },
};

const isSignature = (s: unknown): s is PythonSignature =>
  !!s && typeof s === 'object' && Array.isArray((s as PythonSignature).params) && typeof (s as PythonSignature).returns === 'string';

/** The node's signature, as far as it is one: a flow file typed by hand may hold anything there. */
export function signatureOf(node: FlowNodeDoc): PythonSignature | undefined {
  const s = node.config?.signature;
  if (!isSignature(s)) return undefined;
  const params = s.params.filter((p) => !!p && typeof p === 'object' && typeof p.name === 'string');
  return params.length === s.params.length ? s : { ...s, params };
}

/**
 * A node type whose ports come from its instance's config (a python node's signature) seen as the
 * type info of that one node: its params are its inputs, **kwargs takes any more.
 */
export function withInstancePorts(node: FlowNodeDoc, info: NodeTypeInfo | undefined): NodeTypeInfo | undefined {
  if (!info || node.type !== 'python') return info;
  const sig = signatureOf(node);
  if (!sig) return info;
  const inputs: Record<string, JsonSchema> = {};
  for (const p of sig.params) inputs[p.name] = SCHEMA_OF[p.type] ?? {};
  return {
    ...info,
    inputs,
    required_inputs: sig.params.filter((p) => !p.has_default).map((p) => p.name),
    extra_inputs: sig.kwargs ? {} : null,
    output: SCHEMA_OF[sig.returns] ?? {},
  };
}
