import path from 'node:path';
import { FlowValidationError, WeirError } from '../errors.ts';
import { FlowLibrary, loadFlowFile } from '../flow/load.ts';
import type { NodeRegistry } from '../registry.ts';
import type { Plan } from '../flow/compile.ts';
import { startRun } from '../run/executor.ts';
import { withSubflows } from '../run/subflows.ts';
import { serializeTrace } from '../run/trace.ts';
import { durationMs } from '../flow/schema.ts';
import { formatMetrics, formatProblem, formatValue, relative, traceTable } from './format.ts';
import { readCliInputs } from './inputs.ts';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export interface RunArgs {
  flow: string;
  input: string[];
  inputs?: string;
  trace: boolean;
  json: boolean;
  concurrency?: number;
  timeout?: string;
  signal?: AbortSignal;
}

/** `weir validate <files…>`: every problem of every file; 2 when any file has an error. */
export async function validateCommand(files: string[], registry: NodeRegistry, io: Io): Promise<number> {
  let errors = 0;
  for (const file of files) {
    const flow = await loadFlowFile(file);
    const lib = await FlowLibrary.fromDir(flow.dir, registry);
    const result = lib.validate(flow);
    for (const p of result.problems) io.err(formatProblem(relative(file), p));
    const count = result.problems.filter((p) => p.severity !== 'warning').length;
    errors += count;
    if (count === 0) io.out(`${relative(file)}: ok${result.problems.length ? ` (${result.problems.length} warning${result.problems.length > 1 ? 's' : ''})` : ''}\n`);
  }
  return errors ? 2 : 0;
}

/** A flow file validated (its problems printed, then thrown) and compiled, with the flows beside it. */
export async function loadPlan(file: string, registry: NodeRegistry, io: Io): Promise<{ plan: Plan; lib: FlowLibrary }> {
  const flow = await loadFlowFile(file);
  const lib = await FlowLibrary.fromDir(flow.dir, registry);
  lib.add(flow);
  const validation = lib.validate(flow);
  if (!validation.ok) {
    for (const p of validation.problems) io.err(formatProblem(relative(file), p));
    throw new FlowValidationError(validation.problems.filter((p) => p.severity !== 'warning'), flow.name);
  }
  return { plan: lib.compile(flow, validation), lib };
}

/** `weir run <flow>`: prints outputs (streaming ones as they come), exit 0 ok / 1 failed / 2 invalid. */
export async function runCommand(args: RunArgs, registry: NodeRegistry, io: Io): Promise<number> {
  const { plan, lib } = await loadPlan(args.flow, registry, io);
  const inputs = await readCliInputs(plan.inputs, args.input, args.inputs);
  const deadlineMs = args.timeout ? durationMs(args.timeout) : undefined;
  if (args.timeout && !deadlineMs) throw new WeirError('invalid_argument', `--timeout ${args.timeout}: expected a duration like 30s or 500ms`);
  const streamed = new Set<string>();
  const handle = startRun(plan, inputs, {
    signal: args.signal,
    concurrency: args.concurrency,
    deadlineMs,
    host: withSubflows({}, lib.plan),
    onEvent: args.json
      ? undefined
      : (e) => {
          if (e.type !== 'output.chunk') return;
          streamed.add(e.output);
          io.out(String(e.chunk));
        },
  });
  const result = await handle.done;
  if (args.json) {
    io.out(JSON.stringify({ run_id: result.runId, status: result.status, outputs: result.outputs, error: result.error, usage: result.usage, duration_ms: result.durationMs, ...(result.metrics ? { metrics: result.metrics } : {}), ...(args.trace ? { trace: serializeTrace(result.trace) } : {}) }, null, 2) + '\n');
  } else if (result.status === 'succeeded') {
    if (streamed.size) io.out('\n');
    const rest = Object.entries(result.outputs).filter(([k]) => !streamed.has(k));
    const single = rest.length === 1 && streamed.size === 0;
    for (const [k, v] of rest) io.out(single ? `${formatValue(v)}\n` : `${k}: ${formatValue(v)}\n`);
    // Aggregation nodes ran over this one line (as in prompt flow's single test run).
    if (result.metrics) io.err(`metrics: ${formatMetrics(result.metrics)}\n`);
  }
  if (args.trace && !args.json) io.err(traceTable(result.trace, result.nullOutputs) + '\n');
  if (result.status !== 'succeeded') {
    io.err(`run ${result.status}: ${result.error?.code}: ${result.error?.message}\n`);
    return 1;
  }
  return 0;
}


export function flowPathHint(file: string): string {
  return path.extname(file) ? file : `${file}.flow.yaml`;
}
