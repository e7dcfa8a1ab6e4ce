/**
 * Prompt flow never checks a tool's return annotation: `-> str` on a function that returns a dict
 * is common in real flows (the annotation only labels the studio's output box). Weir types a python
 * node's output from it, so such a flow would fail validation where prompt flow runs it. Where the
 * annotation contradicts how the flow reads the output, the node's output becomes `any`.
 */
import type { PythonSignature, PythonValueType } from '../../engine/sandbox/python/signature-types.ts';
import { isObj, type WeirNode } from './context.ts';
import type { Report } from './report.ts';

const OUTPUT_REF = /\$\{\s*([A-Za-z_][\w-]*)\.output((?:\.[^}\s]+)?)\s*\}/g;

interface Use {
  reader: string;
  path: boolean;
  /** The python parameter type the whole output is bound to, when the reader is a typed python node. */
  into?: PythonValueType;
}

function signatureOf(node: WeirNode): PythonSignature | undefined {
  const config = isObj(node.config) ? node.config : undefined;
  const sig = config?.signature;
  return node.type === 'python' && isObj(sig) && Array.isArray(sig.params) ? (sig as unknown as PythonSignature) : undefined;
}

function collect(value: unknown, reader: string, uses: Map<string, Use[]>, into?: PythonValueType): void {
  if (typeof value === 'string') {
    for (const m of value.matchAll(OUTPUT_REF)) {
      const whole = value.trim() === m[0];
      const list = uses.get(m[1]) ?? [];
      list.push({ reader, path: m[2] !== '', ...(whole && m[2] === '' && into ? { into } : {}) });
      uses.set(m[1], list);
    }
  } else if (Array.isArray(value)) for (const v of value) collect(v, reader, uses);
  else if (isObj(value)) for (const v of Object.values(value)) collect(v, reader, uses);
}

/** Whether a value of type `from` may be bound where `to` is expected (int fits double, as in Python). */
const fits = (from: PythonValueType, to: PythonValueType) => from === to || to === 'any' || to === 'connection' || (from === 'int' && to === 'double');

function conflict(returns: PythonValueType, use: Use): string | undefined {
  if (use.path && returns !== 'object') return `${use.reader} reads a field of it`;
  if (use.into && !fits(returns, use.into)) return `${use.reader} binds it to a ${use.into} parameter`;
  return undefined;
}

/**
 * Sets `returns: any` on python nodes whose annotated return type the flow contradicts. Nodes are
 * changed in place (their signature copied first: one file's signature is shared by its nodes).
 */
export function relaxReturnTypes(nodes: WeirNode[], outputs: Record<string, unknown>, report: Report, reported: Set<string>): void {
  const uses = new Map<string, Use[]>();
  for (const node of nodes) {
    const sig = signatureOf(node);
    const aggregation = node.aggregation === true;
    const params = new Map((sig?.params ?? []).map((p) => [p.name, p.type]));
    if (isObj(node.inputs)) {
      // An aggregation node reads lists of every line's value: its parameter types say nothing of one line's.
      for (const [k, v] of Object.entries(node.inputs)) collect(v, `node ${node.name}`, uses, aggregation ? undefined : params.get(k));
    }
    if (isObj(node.activate)) collect(node.activate.when, `node ${node.name} (activate)`, uses);
  }
  for (const [name, out] of Object.entries(outputs)) collect(isObj(out) ? out.reference : out, `output ${name}`, uses);

  for (const node of nodes) {
    const sig = signatureOf(node);
    if (!sig || sig.returns === 'any') continue;
    const why = (uses.get(node.name) ?? []).map((u) => conflict(sig.returns, u)).find((x) => x !== undefined);
    if (!why) continue;
    (node.config as Record<string, unknown>).signature = { ...sig, returns: 'any' };
    if (reported.has(node.name)) continue;
    reported.add(node.name);
    report.add('changed', `node ${node.name}: output typed any (annotated ${sig.returns})`, {
      target: `nodes.${node.name}.config.signature.returns`,
      why: `${sig.function}() is annotated to return ${sig.returns}, but ${why}; prompt flow does not check return annotations, so the flow relies on the value, not the annotation`,
      todo: `correct the return annotation of ${sig.function}() and import again, so validation can type-check its readers`,
    });
  }
}
