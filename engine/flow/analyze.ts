import { isProblemCode, type ProblemCode } from '../error-codes.ts';
import type { Problem } from '../errors.ts';
import type { CheckEnv, NodePorts } from '../node-definition.ts';
import type { NodeRegistry, RegisteredNode } from '../registry.ts';
import { parseBinding, ReferenceSyntaxError, refsOf, type Binding, type Ref } from './references.ts';
import { FLOW_INPUT_TYPES, NAME_PATTERN, RESERVED_NAMES, type FlowInputType } from './schema.ts';
import { issuesToProblems } from './structure.ts';
import { unexpectedProblem } from './unexpected.ts';

/** Where validation finds what lies outside the file: node types, sibling flows, files. */
export interface ValidateEnv extends CheckEnv {
  registry: NodeRegistry;
  /** Looks up another flow's raw document by name, for sub-flows. */
  resolveFlow?: (name: string) => unknown;
}

export interface AnalyzedNode {
  index: number;
  name: string;
  raw: Record<string, unknown>;
  reg?: RegisteredNode;
  config?: unknown;
  bindings: [string, Binding][];
  activate?: { when: Binding; is: unknown };
  mapOver?: Binding;
  /** `aggregation: true`: runs once after all lines, over lists of what it reads (prompt flow's model). */
  aggregation: boolean;
  /** Names of the nodes this one reads (inputs, activate, map). */
  deps: Set<string>;
  /** Prompt flow's bypass rule (`skip_when: all_inputs_skipped`), from the node or the flow. */
  skipWhenAll: boolean;
  /** Its ports as its config makes them (`NodeDefinition.ports`), when the type works them out. */
  ports?: NodePorts;
}

export interface FlowInputSpec {
  name: string;
  type: FlowInputType;
  default?: unknown;
  optional: boolean;
}

export interface Analysis {
  name: string;
  inputs: FlowInputSpec[];
  nodes: AnalyzedNode[];
  outputs: [string, Binding][];
  problems: Problem[];
}

function nodePath(index: number, ...rest: (string | number)[]): (string | number)[] {
  return ['nodes', index, ...rest];
}

function pushProblem(problems: Problem[], node: string, code: ProblemCode, message: string, path: (string | number)[]): void {
  problems.push({ code, message, node, path });
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function binding(value: unknown, path: (string | number)[], problems: Problem[], node?: string): Binding | undefined {
  try {
    return parseBinding(value);
  } catch (err) {
    if (!(err instanceof ReferenceSyntaxError)) throw err;
    problems.push({ code: 'invalid_reference', message: err.message, path, ...(node ? { node } : {}) });
    return undefined;
  }
}

function readInputs(raw: Record<string, unknown>): FlowInputSpec[] {
  if (!isObj(raw.inputs)) return [];
  return Object.entries(raw.inputs).map(([name, spec]) => {
    const s = isObj(spec) ? spec : {};
    const type = (FLOW_INPUT_TYPES as readonly string[]).includes(s.type as string) ? (s.type as FlowInputType) : 'any';
    return { name, type, default: s.default, optional: s.optional === true || s.default !== undefined };
  });
}

/**
 * Reads a flow leniently, so one broken node doesn't hide the problems of the others:
 * names, node types, configs (with each type's own checks), ports and reference syntax.
 * Graph-level checks (references resolve, cycles, types) are in graph-checks.ts.
 */
export function analyzeFlow(raw: unknown, env: ValidateEnv): Analysis {
  const problems: Problem[] = [];
  const top = isObj(raw) ? raw : {};
  const analysis: Analysis = {
    name: typeof top.name === 'string' ? top.name : '',
    inputs: readInputs(top),
    nodes: [],
    outputs: [],
    problems,
  };
  const seen = new Map<string, number>();
  const rawNodes = Array.isArray(top.nodes) ? top.nodes : [];
  rawNodes.forEach((rn, index) => {
    if (!isObj(rn) || typeof rn.name !== 'string') return; // reported by the structure check
    const name = rn.name;
    // Plain helpers, not closures: closures made per node cost more than the checks on big flows.
    const at = nodePath.bind(null, index);
    const push = pushProblem.bind(null, problems, name);
    if (!NAME_PATTERN.test(name)) push('invalid_name', `node name "${name}" must be letters, digits, _ and -, not starting with a digit`, at('name'));
    else if (RESERVED_NAMES.has(name)) push('reserved_name', `"${name}" is reserved and cannot name a node`, at('name'));
    if (seen.has(name)) {
      push('duplicate_node_name', `node name "${name}" is used twice (nodes ${seen.get(name)} and ${index})`, at('name'));
      return;
    }
    seen.set(name, index);
    const skipWhen = rn.skip_when ?? top.skip_when;
    const node: AnalyzedNode = { index, name, raw: rn, bindings: [], deps: new Set(), aggregation: rn.aggregation === true, skipWhenAll: skipWhen === 'all_inputs_skipped' };
    analysis.nodes.push(node);

    node.reg = typeof rn.type === 'string' ? env.registry.get(rn.type) : undefined;
    if (typeof rn.type === 'string' && !node.reg) {
      push('unknown_node_type', `node "${name}" has unknown type "${rn.type}" (known: ${env.registry.types().join(', ')})`, at('type'));
    }
    if (node.reg) {
      // A node type's config schema (a refinement) or its `check` can throw: that is its bug, reported
      // on this node; the rest of the flow is still checked.
      try {
        const parsed = node.reg.def.config.safeParse(rn.config ?? {});
        if (!parsed.success) {
          problems.push(...issuesToProblems(parsed.error.issues, rn.config ?? {}, at('config'), 'invalid_config', name));
        } else {
          const found = node.reg.def.check?.(parsed.data, env) ?? [];
          node.config = parsed.data;
          node.ports = node.reg.def.ports?.(parsed.data);
          // A node type's own answer: its code is checked, not trusted (a node file may be plain JS).
          for (const p of found) push(isProblemCode(p.code) ? p.code : 'invalid_config', `node "${name}": ${p.message}`, at('config', ...(p.path ?? [])));
        }
      } catch (err) {
        node.config = undefined;
        problems.push(unexpectedProblem(`checking its ${node.reg.def.type} config`, err, name, at('config')));
      }
    }

    const inputs = isObj(rn.inputs) ? rn.inputs : {};
    for (const [key, value] of Object.entries(inputs)) {
      const b = binding(value, at('inputs', key), problems, name);
      if (b) node.bindings.push([key, b]);
      const ports = node.ports ? { names: node.ports.inputs, extra: node.ports.extra } : node.reg && { names: node.reg.def.inputs, extra: Boolean(node.reg.def.extraInputs) };
      if (node.reg && ports && !(key in ports.names) && !ports.extra) {
        const known = Object.keys(ports.names).join(', ') || 'none';
        push('unknown_input_port', `node "${name}" (${node.reg.def.type}) has no input "${key}" (inputs: ${known})`, at('inputs', key));
      }
    }
    for (const req of node.ports?.required ?? node.reg?.requiredInputs ?? []) {
      if (!(req in inputs)) push('missing_required_input', `node "${name}" needs input "${req}"`, at('inputs'));
    }
    if (isObj(rn.activate) && 'when' in rn.activate) {
      const when = binding(rn.activate.when, at('activate', 'when'), problems, name);
      if (when) node.activate = { when, is: rn.activate.is };
    }
    if (isObj(rn.map) && typeof rn.map.over === 'string') {
      const over = binding(rn.map.over, at('map', 'over'), problems, name);
      if (over && over.t !== 'ref') push('invalid_map', `node "${name}": map.over must be one reference such as \${inputs.items}`, at('map', 'over'));
      else if (over) node.mapOver = over;
    }
    for (const ref of nodeRefs(node)) if (ref.kind === 'node') node.deps.add(ref.node);
  });

  if (isObj(top.outputs)) {
    for (const [name, o] of Object.entries(top.outputs)) {
      const path = ['outputs', name];
      const text = isObj(o) ? o.reference : o;
      const b = binding(text, isObj(o) ? [...path, 'reference'] : path, problems);
      if (!b) continue;
      if (refsOf(b).length === 0) {
        problems.push({ code: 'output_not_reference', message: `flow output "${name}" must reference a node or an input, e.g. \${answer.output}`, path });
        continue;
      }
      analysis.outputs.push([name, b]);
    }
  }
  return analysis;
}

/** Every reference a node reads, with the binding it appears in. */
export function nodeRefs(node: AnalyzedNode): Ref[] {
  const refs: Ref[] = [];
  for (const [, b] of node.bindings) refsOf(b, refs);
  if (node.activate) refsOf(node.activate.when, refs);
  if (node.mapOver) refsOf(node.mapOver, refs);
  return refs;
}
