import type { z } from 'zod';
import type { Problem } from '../errors.ts';
import type { JsonSchema } from '../registry.ts';
import type { Analysis, AnalyzedNode } from './analyze.ts';
import { acceptedTags, compatible, fitsAny, flowInputTag, jsTag, schemaAt, schemaTag, tagsText, type TypeTag } from './port-types.ts';
import { formatRef, refsOf, type Binding, type Ref } from './references.ts';

type Path = (string | number)[];

/** The schema of `${node.output}`: a mapped node outputs an array of its type's output. */
export function outputSchemaOf(node: AnalyzedNode): JsonSchema | undefined {
  if (!node.reg) return undefined;
  let out = node.reg.output;
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

function pushAt(problems: Problem[], path: Path, node: string | undefined, code: string, message: string): void {
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

/** References resolve, reference paths exist in the output shapes, and types fit their ports. */
export function referenceProblems(a: Analysis): Problem[] {
  const problems: Problem[] = [];
  const byName = new Map(a.nodes.map((n) => [n.name, n]));
  for (const node of a.nodes) {
    const at = nodeAt.bind(null, node.index);
    for (const [key, b] of node.bindings) {
      const refs = refsOf(b);
      const tags = refs.map((r) => checkRef(a, byName, r, at('inputs', key), problems, node));
      if (!node.reg || tags.some((t) => t === undefined)) continue;
      const port = node.reg.def.inputs[key] as z.ZodType | undefined;
      const portSchema = node.reg.inputs[key] ?? node.reg.extraInputs;
      if (b.t === 'lit' && port) {
        const ok = port.safeParse(b.v);
        if (!ok.success) {
          problems.push({ code: 'invalid_input_value', message: `node "${node.name}" input "${key}": ${ok.error.issues[0]?.message}`, node: node.name, path: at('inputs', key) });
        }
        continue;
      }
      const from = bindingTag(b, tags[0]);
      const to = acceptedTags(portSchema);
      if (from && !fitsAny(from, to)) {
        const what = b.t === 'ref' ? formatRef(b.ref) : 'this value';
        problems.push({ code: 'type_mismatch', message: `node "${node.name}" input "${key}" expects ${tagsText(to)} but ${what} is ${from}`, node: node.name, path: at('inputs', key) });
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

/** Every cycle once, naming its nodes in order. */
export function cycleProblems(a: Analysis): Problem[] {
  const byName = new Map(a.nodes.map((n) => [n.name, n]));
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const problems: Problem[] = [];
  const visit = (name: string) => {
    state.set(name, 1);
    stack.push(name);
    for (const dep of byName.get(name)!.deps) {
      if (!byName.has(dep)) continue;
      if (state.get(dep) === 1) {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        const first = byName.get(dep)!;
        problems.push({ code: 'cycle', message: `cycle: ${cycle.join(' → ')}`, node: dep, path: ['nodes', first.index] });
      } else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(name, 2);
  };
  for (const n of a.nodes) if (!state.has(n.name)) visit(n.name);
  return problems;
}

/**
 * Outputs that can never have a value: they read a node whose `activate` compares two constants
 * that differ, or a node that only reads such nodes. Nodes no output needs are warned about.
 */
export function reachabilityProblems(a: Analysis): Problem[] {
  const byName = new Map(a.nodes.map((n) => [n.name, n]));
  const never = new Map<string, boolean>();
  const isNever = (n: AnalyzedNode, guard = new Set<string>()): boolean => {
    if (never.has(n.name)) return never.get(n.name)!;
    if (guard.has(n.name)) return false;
    guard.add(n.name);
    let result = false;
    const when = n.activate?.when;
    if (when?.t === 'lit' && JSON.stringify(when.v) !== JSON.stringify(n.activate!.is)) result = true;
    else if (n.deps.size > 0 && !n.reg?.def.acceptsSkippedInputs) {
      result = [...n.deps].some((d) => byName.has(d) && isNever(byName.get(d)!, guard));
    }
    never.set(n.name, result);
    return result;
  };
  const problems: Problem[] = [];
  const used = new Set<string>();
  for (const [name, b] of a.outputs) {
    const refs = refsOf(b).filter((r): r is Extract<Ref, { kind: 'node' }> => r.kind === 'node');
    for (const r of refs) {
      const n = byName.get(r.node);
      if (n && isNever(n)) {
        problems.push({ code: 'unreachable_output', message: `flow output "${name}" reads node "${n.name}", which can never run (its activate condition is never met)`, node: n.name, path: ['outputs', name] });
      }
    }
    const mark = (nm: string) => {
      if (used.has(nm) || !byName.has(nm)) return;
      used.add(nm);
      for (const d of byName.get(nm)!.deps) mark(d);
    };
    for (const r of refs) mark(r.node);
  }
  for (const n of a.nodes) {
    if (!used.has(n.name) && a.outputs.length > 0) {
      problems.push({ code: 'unused_node', severity: 'warning', message: `node "${n.name}" feeds no flow output`, node: n.name, path: ['nodes', n.index] });
    }
  }
  return problems;
}
