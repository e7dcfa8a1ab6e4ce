import { WeirError } from '../../engine/errors.ts';
import { joinChunks, type NodeContext } from '../../engine/node-definition.ts';
import { pythonPool, type PythonToolSpec } from '../../engine/sandbox/python/pool.ts';
import type { WireConnection, WorkerError } from '../../engine/sandbox/python/protocol.ts';
import type { PythonSignature } from '../../engine/sandbox/python/signature-types.ts';
import { ToolFailure, type CallSink } from '../../engine/sandbox/python/worker.ts';
import { parseRequirements } from '../../engine/sandbox/python/requirements.ts';
import { INLINE_MODULE, shownFile, wireConnection } from './python-tool.ts';

export interface PreparedTool {
  spec: PythonToolSpec;
  key: string;
  signature?: PythonSignature;
}

/**
 * The call's keyword arguments: an input from a skipped node (undefined) is left out so Python's
 * default applies, or is None when the parameter has none; a connection parameter's input is a
 * connection name, resolved here and passed as the prompt flow connection object.
 */
async function buildCall(ctx: NodeContext, inputs: Record<string, unknown>, sig: PythonSignature | undefined) {
  const kwargs: Record<string, unknown> = {};
  const connections: Record<string, WireConnection> = {};
  for (const [name, value] of Object.entries(inputs)) {
    const param = sig?.params.find((p) => p.name === name);
    if (value === undefined) {
      if (!param?.has_default) kwargs[name] = null;
      continue;
    }
    if (param?.type === 'connection' && typeof value === 'string') {
      connections[name] = wireConnection(await ctx.connection(value), param.connection_class);
      continue;
    }
    kwargs[name] = value;
  }
  return { kwargs, connections };
}

function toolError(ctx: NodeContext, spec: PythonToolSpec, info: WorkerError): WeirError {
  const node = ctx.node;
  const at = info.where ? ` (${shownFile(info.where.file)}, line ${info.where.line})` : '';
  const cause = info.traceback ? new Error(info.traceback) : undefined;
  switch (info.kind) {
    case 'memory':
      return new WeirError('python_memory', `node "${node}": the Python tool ran out of memory (memory_mb: ${spec.limits.memoryMb}); its worker was replaced`, { node });
    case 'too_large':
      return new WeirError('python_message_too_large', `node "${node}": ${info.message}`, { node });
    case 'not_found':
      return new WeirError('python_signature', `node "${node}": ${info.message.replace(`${INLINE_MODULE}.py`, 'code')}`, { node, path: ['config', 'function'] });
  }
  if (info.kind === 'import' && info.error_type === 'ModuleNotFoundError' && info.module) {
    const top = info.module.split('.')[0];
    const req = parseRequirements(spec.requirements).find((r) => r.module === top);
    const from = req ? `from requirements line "${req.line}"` : 'not in its requirements';
    return new WeirError('python_package_missing', `node "${node}": the Python tool imports "${top}", which is not installed (${from})${at}`, { node, cause, status: 503 });
  }
  const when = info.kind === 'import' ? 'loading the Python tool failed' : 'the Python tool raised';
  return new WeirError('python_error', `node "${node}": ${when} ${info.error_type}: ${info.message}${at}`, { node, cause });
}

function asNodeError(ctx: NodeContext, spec: PythonToolSpec, err: unknown): unknown {
  // A cancel, a run deadline or the engine's node timeout: the reason itself, as the engine expects.
  if (ctx.signal.aborted && err === ctx.signal.reason) return err;
  if (err instanceof ToolFailure) {
    if (err.info.traceback) ctx.log('error', `${err.info.error_type}: ${err.info.message}\n${err.info.traceback}`);
    return toolError(ctx, spec, err.info);
  }
  if (err instanceof WeirError && err.node === undefined) {
    return new WeirError(err.code, `node "${ctx.node}": ${err.message}`, { node: ctx.node, cause: err, status: err.status, retryable: err.retryable });
  }
  return err;
}

/** Calls the tool in its pool; a generator tool's chunks come back as an AsyncIterable, in order. */
export async function callTool(ctx: NodeContext, inputs: Record<string, unknown>, prepared: PreparedTool): Promise<unknown> {
  ctx.throwIfAborted();
  const { spec, key, signature } = prepared;
  const { kwargs, connections } = await buildCall(ctx, inputs, signature);
  const pool = pythonPool(spec, key);
  if (signature?.generator) return streamTool(ctx, prepared, kwargs, connections);
  const chunks: unknown[] = [];
  const sink: CallSink = {
    chunk: (v) => void chunks.push(v),
    metric: (name, value) => ctx.logMetric(name, value),
    log: (level, message) => ctx.log(level, message),
  };
  try {
    const result = await pool.call(kwargs, connections, sink, { node: ctx.node, signal: ctx.signal });
    // Without a signature the node cannot know beforehand that the tool is a generator: its chunks are joined.
    return result.streamed ? joinChunks(chunks) : result.value;
  } catch (err) {
    throw asNodeError(ctx, spec, err);
  }
}

async function* streamTool(ctx: NodeContext, prepared: PreparedTool, kwargs: Record<string, unknown>, connections: Record<string, WireConnection>): AsyncGenerator<unknown> {
  const queue: unknown[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let failure: unknown;
  // Stopping the stream early (a consumer that breaks off) ends the worker that serves it.
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  const sink: CallSink = {
    chunk: (v) => {
      queue.push(v);
      wake?.();
    },
    metric: (name, value) => ctx.logMetric(name, value),
    log: (level, message) => ctx.log(level, message),
  };
  const call = pythonPool(prepared.spec, prepared.key)
    .call(kwargs, connections, sink, { node: ctx.node, signal })
    .then(
      () => (done = true),
      (err: unknown) => {
        failure = asNodeError(ctx, prepared.spec, err);
        done = true;
      },
    )
    .finally(() => wake?.());
  try {
    for (;;) {
      while (queue.length) yield queue.shift();
      if (failure !== undefined) throw failure;
      if (done) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    if (!done) stop.abort(new WeirError('aborted', `node "${ctx.node}": the stream was closed before the Python tool finished`, { node: ctx.node }));
    await call;
  }
}
