import type { FlowNodeDoc, JsonSchema, NodeTypeInfo } from '../api/types.ts';
// The server's own signature shape and port schemas (a pure module the studio may import), so the
// canvas and validation agree.
import { SCHEMA_OF_VALUE_TYPE, type PythonSignature } from '../../../engine/sandbox/python/signature-types.ts';

export type { PythonParam, PythonSignature, PythonValueType } from '../../../engine/sandbox/python/signature-types.ts';

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
  for (const p of sig.params) inputs[p.name] = (SCHEMA_OF_VALUE_TYPE[p.type] as JsonSchema | undefined) ?? {};
  return {
    ...info,
    inputs,
    required_inputs: sig.params.filter((p) => !p.has_default).map((p) => p.name),
    extra_inputs: sig.kwargs ? {} : null,
    output: (SCHEMA_OF_VALUE_TYPE[sig.returns] as JsonSchema | undefined) ?? {},
  };
}
