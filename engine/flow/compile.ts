import type { z } from 'zod';
import { isProblemCode } from '../error-codes.ts';
import { FlowValidationError, WeirError } from '../errors.ts';
import type { AnyNodeDefinition } from '../node-definition.ts';
import type { AnalyzedNode, FlowInputSpec } from './analyze.ts';
import { outputSchemaOf } from './graph-checks.ts';
import { schemaAt, schemaTag } from './port-types.ts';
import type { Binding, Ref } from './references.ts';
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
}

function compileBinding(b: Binding, index: Map<string, number>): PlanBinding {
  const ref = (r: Ref): PlanRef => (r.kind === 'node' ? { kind: 'node', idx: index.get(r.node)!, node: r.node, path: r.path } : r);
  switch (b.t) {
    case 'lit':
      return b;
    case 'ref':
      return { t: 'ref', ref: ref(b.ref) };
    case 'tpl':
      return { t: 'tpl', parts: b.parts.map((p) => (typeof p === 'string' ? p : ref(p))) };
    case 'obj':
      return { t: 'obj', entries: b.entries.map(([k, c]) => [k, compileBinding(c, index)]) };
    case 'arr':
      return { t: 'arr', items: b.items.map((c) => compileBinding(c, index)) };
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
  const index = new Map(a.nodes.map((n, i) => [n.name, i]));
  const streamsTo = new Map<string, string[]>();
  const outputs = a.outputs.map(([name, b]): [string, PlanBinding] => {
    if (b.t === 'ref' && b.ref.kind === 'node' && b.ref.path.length === 0) {
      streamsTo.set(b.ref.node, [...(streamsTo.get(b.ref.node) ?? []), name]);
    }
    return [name, compileBinding(b, index)];
  });
  const nodes: PlanNode[] = a.nodes.map((n, i) => {
    const def = n.reg!.def;
    const raw = n.raw;
    const inputs = n.bindings.map(([k, b]): [string, PlanBinding] => [k, compileBinding(b, index)]);
    const map = raw.map as { concurrency?: number; max_items?: number } | undefined;
    return {
      index: i,
      name: n.name,
      type: def.type,
      def,
      config: n.config,
      prepared: prepareNode(n, env),
      inputs,
      deps: [...n.deps].map((d) => index.get(d)!),
      dependents: [],
      activate: n.activate ? { when: compileBinding(n.activate.when, index), is: n.activate.is } : undefined,
      map: n.mapOver ? { over: compileBinding(n.mapOver, index), concurrency: map?.concurrency ?? 4, maxItems: map?.max_items ?? 10_000 } : undefined,
      retry: retryPolicy(raw),
      timeoutMs: durationMs(raw.timeout as number | string | undefined),
      continueOnError: raw.on_error === 'continue',
      runtimeChecks: inputs
        .filter(([k, b]) => k in def.inputs && schemaTag(n.reg!.inputs[k]) !== 'any' && needsRuntimeCheck(b, a.nodes))
        .map(([k]) => [k, def.inputs[k] as z.ZodType]),
      inputSources: inputs.map(([, b]) => (b.t === 'ref' && b.ref.kind === 'node' ? b.ref.idx : -1)),
      streamsTo: streamsTo.get(n.name) ?? [],
    };
  });
  const depCounts = new Int32Array(nodes.length);
  for (const n of nodes) {
    depCounts[n.index] = n.deps.length;
    for (const d of n.deps) nodes[d].dependents.push(n.index);
  }
  return { name: a.name, flowDir: env.flowDir, inputs: a.inputs, outputs, nodes, depCounts };
}
