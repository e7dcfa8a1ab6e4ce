import type { z } from 'zod';
import { isProblemCode } from '../error-codes.ts';
import { FlowValidationError, WeirError } from '../errors.ts';
import type { AnyNodeDefinition } from '../node-definition.ts';
import type { AnalyzedNode, FlowInputSpec } from './analyze.ts';
import { outputSchemaOf } from './graph-checks.ts';
import { schemaAt, schemaTag } from './port-types.ts';
import { formatRef, type Binding, type Ref } from './references.ts';
import { durationMs } from './schema.ts';
import { unexpectedProblem } from './unexpected.ts';
import { validateFlow, type ValidateEnv, type ValidationResult } from './validate.ts';

/** A reference with its node name replaced by the node's index in the plan. */
export type PlanRef =
  | { kind: 'input'; name: string; path: (string | number)[] }
  | { kind: 'node'; idx: number; node: string; path: (string | number)[] }
  | { kind: 'map'; field: 'item' | 'index'; path: (string | number)[] };

export type PlanBinding =
  | { t: 'lit'; v: unknown }
  | { t: 'ref'; ref: PlanRef }
  | { t: 'tpl'; parts: (string | PlanRef)[] }
  | { t: 'obj'; entries: [string, PlanBinding][] }
  | { t: 'arr'; items: PlanBinding[] };

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
  multiplier: number;
  jitter: boolean;
}

export interface PlanNode {
  index: number;
  name: string;
  type: string;
  def: AnyNodeDefinition;
  config: unknown;
  prepared: unknown;
  inputs: [string, PlanBinding][];
  deps: number[];
  dependents: number[];
  activate?: { when: PlanBinding; is: unknown };
  map?: { over: PlanBinding; concurrency: number; maxItems: number };
  retry?: RetryPolicy;
  timeoutMs?: number;
  continueOnError: boolean;
  /**
   * Prompt flow's bypass rule: skipped only when `activate` says so (or reads a skipped node) or when
   * every node it reads was skipped; an input from a skipped node then arrives as null (undefined to a
   * type that accepts skipped inputs).
   */
  skipWhenAll: boolean;
  /** Ports fed by values whose type is only known at run time, checked with the port's schema. */
  runtimeChecks: [string, z.ZodType][];
  /** Per input: the node it reads whole (`${n.output…}`), or -1 when it has a value of its own. */
  inputSources: number[];
  /** Flow outputs that are this node's whole output: its chunks stream to the caller. */
  streamsTo: string[];
}

/** A validated flow compiled once; many runs share one plan. */
export interface Plan {
  name: string;
  flowDir?: string;
  inputs: FlowInputSpec[];
  outputs: [string, PlanBinding][];
  nodes: PlanNode[];
  /** How many nodes each node waits for; a run copies it. */
  depCounts: Int32Array;
  /** The flow's `aggregation: true` nodes, which `nodes` (the per-line nodes) leaves out. */
  aggregation?: AggregationStage;
}

/**
 * Prompt flow's aggregation nodes, compiled apart: they run once after all lines, and whatever they
 * read from a line (a flow input, a line node's output) they get as the list of every line's value.
 */
export interface AggregationStage {
  /** What the aggregation nodes read from each line, against the line plan; read when a line ends. */
  reads: PlanRef[];
  /** A plan of the aggregation nodes alone: its input `keys[i]` is the list of every line's `reads[i]`. */
  keys: string[];
  /** Its outputs are the aggregation nodes' outputs, by node name. */
  plan: Plan;
}

type RefMap = (r: Ref) => PlanRef;

const byIndex = (index: Map<string, number>): RefMap => (r) => (r.kind === 'node' ? { kind: 'node', idx: index.get(r.node)!, node: r.node, path: r.path } : r);

function compileBinding(b: Binding, ref: RefMap): PlanBinding {
  switch (b.t) {
    case 'lit':
      return b;
    case 'ref':
      return { t: 'ref', ref: ref(b.ref) };
    case 'tpl':
      return { t: 'tpl', parts: b.parts.map((p) => (typeof p === 'string' ? p : ref(p))) };
    case 'obj':
      return { t: 'obj', entries: b.entries.map(([k, c]) => [k, compileBinding(c, ref)]) };
    case 'arr':
      return { t: 'arr', items: b.items.map((c) => compileBinding(c, ref)) };
  }
}

function retryPolicy(raw: Record<string, unknown>): RetryPolicy | undefined {
  const r = raw.retry as { max_attempts: number; backoff?: number | string; max_backoff?: number | string; multiplier?: number; jitter?: boolean } | undefined;
  if (!r || r.max_attempts <= 1) return undefined;
  return {
    maxAttempts: r.max_attempts,
    baseMs: durationMs(r.backoff) ?? 200,
    maxMs: durationMs(r.max_backoff) ?? 10_000,
    multiplier: r.multiplier ?? 2,
    jitter: r.jitter ?? true,
  };
}

function needsRuntimeCheck(b: PlanBinding, byIdx: AnalyzedNode[]): boolean {
  if (b.t !== 'ref') return false;
  const r = b.ref;
  if (r.kind !== 'node') return r.kind === 'map' || r.path.length > 0;
  const schema = outputSchemaOf(byIdx[r.idx]);
  return !schema || schemaTag(schemaAt(schema, r.path).schema) === 'any';
}

/** What a node type prepares once per plan (a parsed template, a compiled expression). */
function prepareNode(n: AnalyzedNode, env: ValidateEnv): unknown {
  const def = n.reg!.def;
  if (!def.prepare) return undefined;
  try {
    return def.prepare(n.config, env);
  } catch (err) {
    // Validation passed, so this is the node type's bug: refused with a reason, not a 500.
    if (err instanceof WeirError) throw new FlowValidationError([{ code: isProblemCode(err.code) ? err.code : 'invalid_config', message: err.message, node: n.name, path: ['nodes', n.index, 'config'] }]);
    throw new FlowValidationError([unexpectedProblem(`preparing its ${def.type} config`, err, n.name, ['nodes', n.index, 'config'])]);
  }
}

/** Validates a flow and compiles it to a plan; throws FlowValidationError with every problem. */
export function compileFlow(raw: unknown, env: ValidateEnv): Plan {
  return compileValidated(validateFlow(raw, env), env);
}

/** Compiles what a validation already read, so callers that validated first don't do it twice. */
export function compileValidated(result: ValidationResult, env: ValidateEnv): Plan {
  if (!result.ok) {
    throw new FlowValidationError(result.problems.filter((p) => p.severity !== 'warning'), result.analysis.name);
  }
  const a = result.analysis;
  const lineNodes = a.nodes.filter((n) => !n.aggregation);
  const index = new Map(lineNodes.map((n, i) => [n.name, i]));
  const ref = byIndex(index);
  const streamsTo = new Map<string, string[]>();
  const outputs = a.outputs.map(([name, b]): [string, PlanBinding] => {
    if (b.t === 'ref' && b.ref.kind === 'node' && b.ref.path.length === 0) {
      for (const node of streamSources(b.ref.node, a.nodes)) streamsTo.set(node, [...(streamsTo.get(node) ?? []), name]);
    }
    return [name, compileBinding(b, ref)];
  });
  const nodes = compileNodes(lineNodes, index, ref, env, streamsTo);
  const plan: Plan = { name: a.name, flowDir: env.flowDir, inputs: a.inputs, outputs, nodes, depCounts: depCountsOf(nodes) };
  if (lineNodes.length < a.nodes.length) plan.aggregation = aggregationStage(a.name, a.nodes.filter((n) => n.aggregation), index, env);
  return plan;
}

function aggregationStage(name: string, aggNodes: AnalyzedNode[], lineIndex: Map<string, number>, env: ValidateEnv): AggregationStage {
  const index = new Map(aggNodes.map((n, i) => [n.name, i]));
  const reads: PlanRef[] = [];
  const keys: string[] = [];
  const lineRef = byIndex(lineIndex);
  // Another aggregation node is read as such; a line's value becomes an input of the stage (its list).
  const ref: RefMap = (r) => {
    if (r.kind === 'map') return r;
    if (r.kind === 'node' && index.has(r.node)) return { kind: 'node', idx: index.get(r.node)!, node: r.node, path: r.path };
    const key = formatRef(r);
    if (!keys.includes(key)) (keys.push(key), reads.push(lineRef(r)));
    return { kind: 'input', name: key, path: [] };
  };
  const nodes = compileNodes(aggNodes, index, ref, env, new Map());
  const plan: Plan = {
    name,
    flowDir: env.flowDir,
    inputs: keys.map((k) => ({ name: k, type: 'list', optional: true })),
    outputs: aggNodes.map((n, i): [string, PlanBinding] => [n.name, { t: 'ref', ref: { kind: 'node', idx: i, node: n.name, path: [] } }]),
    nodes,
    depCounts: depCountsOf(nodes),
  };
  return { reads, keys, plan };
}

/**
 * The nodes whose chunks are an output bound to `node`: the node itself, and through nodes that pass
 * their first input on (a coalesce), the node bound whole to that first input — bounded by the
 * node count, so a malformed chain cannot loop.
 */
function streamSources(node: string, nodes: AnalyzedNode[]): string[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const found = [node];
  for (let n = byName.get(node); n?.reg?.def.passesFirstInput && found.length <= nodes.length; ) {
    const first = n.bindings[0]?.[1];
    if (!first || first.t !== 'ref' || first.ref.kind !== 'node' || first.ref.path.length !== 0) break;
    found.push(first.ref.node);
    n = byName.get(first.ref.node);
  }
  return found;
}

function compileNodes(list: AnalyzedNode[], index: Map<string, number>, ref: RefMap, env: ValidateEnv, streamsTo: Map<string, string[]>): PlanNode[] {
  return list.map((n, i) => {
    const def = n.reg!.def;
    const raw = n.raw;
    const inputs = n.bindings.map(([k, b]): [string, PlanBinding] => [k, compileBinding(b, ref)]);
    const map = raw.map as { concurrency?: number; max_items?: number } | undefined;
    return {
      index: i,
      name: n.name,
      type: def.type,
      def,
      config: n.config,
      prepared: prepareNode(n, env),
      inputs,
      // An aggregation node's reads of line nodes are inputs of its stage, not dependencies.
      deps: [...n.deps].filter((d) => index.has(d)).map((d) => index.get(d)!),
      dependents: [],
      activate: n.activate ? { when: compileBinding(n.activate.when, ref), is: n.activate.is } : undefined,
      map: n.mapOver ? { over: compileBinding(n.mapOver, ref), concurrency: map?.concurrency ?? 4, maxItems: map?.max_items ?? 10_000 } : undefined,
      retry: retryPolicy(raw),
      timeoutMs: durationMs(raw.timeout as number | string | undefined),
      continueOnError: raw.on_error === 'continue',
      skipWhenAll: n.skipWhenAll,
      runtimeChecks: inputs
        .filter(([k, b]) => k in def.inputs && schemaTag(n.reg!.inputs[k]) !== 'any' && needsRuntimeCheck(b, list))
        .map(([k]) => [k, def.inputs[k] as z.ZodType]),
      inputSources: inputs.map(([, b]) => (b.t === 'ref' && b.ref.kind === 'node' ? b.ref.idx : -1)),
      streamsTo: streamsTo.get(n.name) ?? [],
    };
  });
}

function depCountsOf(nodes: PlanNode[]): Int32Array {
  const depCounts = new Int32Array(nodes.length);
  for (const n of nodes) {
    depCounts[n.index] = n.deps.length;
    for (const d of n.deps) nodes[d].dependents.push(n.index);
  }
  return depCounts;
}
