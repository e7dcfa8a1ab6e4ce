import type { z } from 'zod';
import type { ProblemCode } from '../error-codes.ts';
import type { Problem } from '../errors.ts';
import type { JsonSchema } from '../registry.ts';
import type { Analysis, AnalyzedNode } from './analyze.ts';
import { acceptedTags, compatible, fitsAny, flowInputTag, jsTag, schemaAt, schemaTag, tagsText, type TypeTag } from './port-types.ts';
import { formatRef, refsOf, type Binding, type Ref } from './references.ts';
import { unexpectedProblem } from './unexpected.ts';

type Path = (string | number)[];

/** The schema of `${node.output}`: a mapped node outputs an array of its type's output. */
export function outputSchemaOf(node: AnalyzedNode): JsonSchema | undefined {
  if (!node.reg) return undefined;
  let out = node.ports?.output ?? node.reg.output;
  // With on_error: continue, readers may get `{ error: {code, message, …} }` instead.
  if (node.raw.on_error === 'continue') out = { anyOf: [out, ERROR_VALUE] };
  return node.mapOver ? { type: 'array', items: out } : out;
}

const ERROR_VALUE: JsonSchema = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, node: { type: 'string' } } } },
};

function nodeAt(index: number, ...rest: Path): Path {
  return ['nodes', index, ...rest];
}

function pushAt(problems: Problem[], path: Path, node: string | undefined, code: ProblemCode, message: string): void {
  problems.push(node ? { code, message, path, node } : { code, message, path });
}

/** Resolves one reference; returns the type it yields, or pushes a problem and returns undefined. */
function checkRef(
  a: Analysis,
  byName: Map<string, AnalyzedNode>,
  ref: Ref,
  path: Path,
  problems: Problem[],
  reader?: AnalyzedNode,
  inMapOver = false,
): TypeTag | undefined {
  const node = reader?.name;
  const push = pushAt.bind(null, problems, path, node);
  if (ref.kind === 'input') {
    const input = a.inputs.find((i) => i.name === ref.name);
    if (!input) {
      const known = a.inputs.map((i) => i.name).join(', ') || 'none';
      push('unknown_flow_input', `${formatRef(ref)} names flow input "${ref.name}", which is not declared (inputs: ${known})`);
      return undefined;
    }
    // An aggregation node reads the list of every line's value.
    if (reader?.aggregation) return 'array';
    return ref.path.length === 0 ? flowInputTag(input.type) : 'any';
  }
  if (ref.kind === 'map') {
    const declaresMap = reader?.raw.map !== null && typeof reader?.raw.map === 'object';
    if (!declaresMap || inMapOver) {
      push('map_reference_outside_map', `${formatRef(ref)} can only be used in the inputs of a node with map`);
      return undefined;
    }
    return ref.field === 'index' ? 'integer' : 'any';
  }
  const target = byName.get(ref.node);
  if (!target) {
    push('unknown_node_reference', `${formatRef(ref)} refers to node "${ref.node}", which does not exist`);
    return undefined;
  }
  if (target.aggregation && !reader?.aggregation) {
    const who = reader ? `node "${reader.name}" runs once per line` : 'a flow output is per line';
    push('aggregation_reference', `${formatRef(ref)}: ${who}, but "${target.name}" is an aggregation node (it runs once after all lines); only aggregation nodes can read it`);
    return undefined;
  }
  if (reader?.aggregation && !target.aggregation) return 'array';
  const schema = outputSchemaOf(target);
  if (!schema) return 'any';
  const at = schemaAt(schema, ref.path);
  if (at.error) {
    push('unknown_output_field', `${formatRef(ref)}: ${at.error}`);
    return undefined;
  }
  return schemaTag(at.schema);
}

function bindingTag(b: Binding, refTag: TypeTag | undefined): TypeTag | undefined {
  if (b.t === 'ref') return refTag;
  if (b.t === 'tpl') return 'string';
  if (b.t === 'obj') return 'object';
  if (b.t === 'arr') return 'array';
  return jsTag(b.v);
}

/** One input of a node: its references resolve, and the value or type it gets fits the port. */
function bindingProblems(a: Analysis, byName: Map<string, AnalyzedNode>, node: AnalyzedNode, key: string, b: Binding, problems: Problem[]): void {
  const at = nodeAt(node.index, 'inputs', key);
  const tags = refsOf(b).map((r) => checkRef(a, byName, r, at, problems, node));
  if (!node.reg || tags.some((t) => t === undefined)) return;
  const port = node.ports ? undefined : (node.reg.def.inputs[key] as z.ZodType | undefined);
  // Ports a node's config makes (a Python signature) are JSON Schemas: literals are checked by type below.
  const portSchema = node.ports ? (node.ports.inputs[key] ?? (node.ports.extra ? {} : undefined)) : (node.reg.inputs[key] ?? node.reg.extraInputs);
  if (b.t === 'lit' && port) {
    const ok = port.safeParse(b.v);
    if (!ok.success) {
      problems.push({ code: 'invalid_input_value', message: `node "${node.name}" input "${key}": ${ok.error.issues[0]?.message}`, node: node.name, path: at });
    }
    return;
  }
  const from = bindingTag(b, tags[0]);
  const to = acceptedTags(portSchema);
  if (from && !fitsAny(from, to)) {
    const what = b.t === 'ref' ? formatRef(b.ref) : 'this value';
    problems.push({ code: 'type_mismatch', message: `node "${node.name}" input "${key}" expects ${tagsText(to)} but ${what} is ${from}`, node: node.name, path: at });
  }
}

/** References resolve, reference paths exist in the output shapes, and types fit their ports. */
export function referenceProblems(a: Analysis): Problem[] {
  const problems: Problem[] = [];
  const byName = new Map(a.nodes.map((n) => [n.name, n]));
  for (const node of a.nodes) {
    const at = nodeAt.bind(null, node.index);
    for (const [key, b] of node.bindings) {
      try {
        bindingProblems(a, byName, node, key, b, problems);
      } catch (err) {
        // A port schema of the node type threw (a refinement): its bug, reported on this input.
        problems.push(unexpectedProblem(`checking input "${key}"`, err, node.name, at('inputs', key)));
      }
    }
    if (node.activate) for (const r of refsOf(node.activate.when)) checkRef(a, byName, r, at('activate', 'when'), problems, node);
    if (node.mapOver?.t === 'ref') {
      const tag = checkRef(a, byName, node.mapOver.ref, at('map', 'over'), problems, node, true);
      if (tag && !compatible(tag, 'array')) {
        problems.push({ code: 'type_mismatch', message: `node "${node.name}": map.over must be an array but ${formatRef(node.mapOver.ref)} is ${tag}`, node: node.name, path: at('map', 'over') });
      }
    }
  }
  for (const [name, b] of a.outputs) for (const r of refsOf(b)) checkRef(a, byName, r, ['outputs', name], problems);
  for (const input of a.inputs) {
    if (input.default === undefined) continue;
    if (!compatible(jsTag(input.default), flowInputTag(input.type)) && !(input.type === 'number' && jsTag(input.default) === 'integer')) {
      problems.push({ code: 'invalid_default', message: `flow input "${input.name}" is ${input.type} but its default is ${jsTag(input.default)}`, path: ['inputs', input.name, 'default'] });
    }
  }
  return problems;
}
