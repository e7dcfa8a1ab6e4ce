import jsonata from 'jsonata';
import { WeirError } from '../errors.ts';
import { mayBuildRanges } from './jsonata-ast.ts';
import { re2RegexEngine, unsupportedRegexes } from './re2-regex.ts';
import { SliceExhausted, type JsonataPayload, type SandboxFailure, type SandboxOutcome } from './sandbox-task.ts';

/**
 * JSONata evaluation, the same in-process and on a sandbox worker. JSONata's evaluation is one long
 * chain of microtasks: while it runs, no timer, I/O or other request is served, and nothing outside
 * it can stop it. In-process it runs under a slice small enough not to be felt; past the slice the
 * task moves to a worker thread, which can be ended at the budget (sliced.ts).
 */

/** JSONata's own recursion guard (evaluation frames). */
const STACK = 2_000;
/**
 * Longest the main thread runs one expression. JSONata checks it between evaluation steps; a
 * trivial expression takes 2-12 µs here, so only real work (or a runaway) reaches it. One step
 * (a built-in over a sequence) can overrun it by the time that step takes, which `SLICE_SEQUENCE`
 * bounds.
 */
export const SLICE_MS = 10;
/**
 * Longest sequence built in-process. JSONata checks it before a range is allocated and on every
 * push: `[1..9999999]` alone holds the loop ~100 ms in one step that no time check can split, and
 * built-ins over 10 000 items take a few ms. Longer sequences are worker work.
 */
export const SLICE_SEQUENCE = 10_000;
/** Longest sequence on a worker: JSONata's own limit for ranges. */
const WORKER_SEQUENCE = 10_000_000;
/**
 * Largest result a transform returns, in characters (strings, keys, one per other value): a worker's
 * answer is parsed on the main thread (~10 ms per MiB here) and every result is kept in the run's
 * trace, so a bigger one would stall the server the way the evaluation would have.
 */
export const MAX_RESULT_CHARS = 4 * 1024 * 1024;

/** JSONata throws plain objects, not Errors; this is the part of them we use. */
interface JsonataFailure {
  code?: string;
  message?: string;
  position?: number;
  token?: string;
}

export function describeFailure(err: unknown): string {
  const e = (err ?? {}) as JsonataFailure;
  const where = typeof e.position === 'number' ? ` at position ${e.position}` : '';
  const code = e.code ? ` [${e.code}]` : '';
  return `${e.message ?? String(err)}${where}${code}`;
}

function causeOf(err: unknown): SandboxFailure['cause'] {
  const e = (err ?? {}) as JsonataFailure;
  const cause: NonNullable<SandboxFailure['cause']> = { message: e.message ?? String(err) };
  if (typeof e.code === 'string') cause.code = e.code;
  if (typeof e.position === 'number') cause.position = e.position;
  if (typeof e.token === 'string') cause.token = e.token;
  return cause;
}

/** Error-shaped cause so serialized traces show JSONata's message instead of "[object Object]". */
export function asError(err: unknown): Error {
  if (err instanceof Error) return err;
  return Object.assign(new Error(causeOf(err)!.message), causeOf(err));
}

export function transformFailed(err: unknown): WeirError {
  return new WeirError('transform_failed', `transform failed: ${describeFailure(err)}`, { cause: asError(err) });
}

/**
 * JSONata marks its result arrays with extra properties (`sequence`, `outerWrapper`) and can return
 * lambdas; downstream nodes and traces should see plain JSON data only. `size` counts what the copy
 * holds (string characters, one per other value): `$pad("", 1e8)` is one cheap step, and its answer
 * would be stored in the run's trace.
 */
function plainCopy(value: unknown, size: { left: number }): unknown {
  if (typeof value === 'string') {
    size.left -= value.length;
    return value;
  }
  if (--size.left < 0) return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    // A regex group that took no part in the match is undefined; JSON (and a worker's answer) says null.
    for (let i = 0; i < value.length && size.left >= 0; i++) out[i] = value[i] === undefined ? null : plainCopy(value[i], size);
    return out;
  }
  if (typeof value === 'function') return null;
  if (value === null || typeof value !== 'object') return value;
  if ('_jsonata_lambda' in value || '_jsonata_function' in value) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    size.left -= k.length;
    if (v !== undefined) out[k] = plainCopy(v, size);
  }
  return out;
}

export function plain(value: unknown): unknown {
  const size = { left: MAX_RESULT_CHARS };
  const out = plainCopy(value, size);
  if (size.left < 0) {
    throw new WeirError('transform_result_too_large', `the transform's result is larger than the ${MAX_RESULT_CHARS} characters a transform may return`);
  }
  return out;
}

/** JSONata's "no match" is undefined; downstream nodes would read that as a skipped input. */
function finish(result: unknown): unknown {
  return result === undefined ? null : plain(result);
}

function compile(source: string, limits: { timeout?: number; sequence?: number }): jsonata.Expression {
  return jsonata(source, { RegexEngine: re2RegexEngine, stack: STACK, ...limits });
}

/**
 * Problems found in an expression's text without running it: its syntax, and regex literals RE2
 * cannot run (backreferences, lookaround), each named.
 */
export function expressionProblems(source: string): string[] {
  let ast: unknown;
  try {
    ast = jsonata(source).ast();
  } catch (err) {
    return [`invalid JSONata expression: ${describeFailure(err)}`];
  }
  return unsupportedRegexes(ast).map(
    (r) => `regular expression ${r.literal} is not supported: ${r.reason} (regexes run on RE2, which runs in linear time and has no backreferences or lookaround)`,
  );
}

/**
 * The expression compiled for the main thread: its slice is `min(SLICE_MS, budget)`. The sequence
 * cap only where a range (or `$eval`) can build a long sequence in one step: JSONata enforces it by
 * giving every sequence array its own `push`, which took a trivial transform from ~4 to ~8 µs.
 */
export function compileForSlice(source: string, budgetMs: number): jsonata.Expression {
  const timeout = Math.min(SLICE_MS, budgetMs);
  return compile(source, mayBuildRanges(jsonata(source).ast()) ? { timeout, sequence: SLICE_SEQUENCE } : { timeout });
}

function sliceFailure(err: unknown): never {
  const code = (err as JsonataFailure | undefined)?.code;
  // D1012 and D2015 come only from the slice's own `timeout` and `sequence` options.
  if (code === 'D1012') throw new SliceExhausted('time');
  if (code === 'D2015') throw new SliceExhausted('sequence length');
  throw transformFailed(err);
}

/** Evaluates in-process; rejects with SliceExhausted when the slice ran out (time or sequence size). */
export function evaluateSlice(expression: jsonata.Expression, input: unknown): Promise<unknown> {
  return expression.evaluate(input).then(finish, sliceFailure);
}

/** Compiled expressions a worker keeps, by source (bounded: sources differ per flow). */
const workerCache = new Map<string, jsonata.Expression>();
const MAX_CACHED = 200;

/**
 * A worker's evaluation: no time limit of its own (the main thread ends the thread at the budget),
 * answered as JSON text (a string crosses threads as one copy; the main thread parses it).
 */
export async function evaluateTask(p: JsonataPayload): Promise<SandboxOutcome> {
  let expression = workerCache.get(p.source);
  try {
    if (!expression) {
      expression = compile(p.source, { sequence: WORKER_SEQUENCE });
      if (workerCache.size >= MAX_CACHED) workerCache.clear();
      workerCache.set(p.source, expression);
    }
    const json = JSON.stringify(finish(await expression.evaluate(p.input)));
    return { ok: true, value: json };
  } catch (err) {
    if (err instanceof WeirError) return { ok: false, failure: { code: err.code, message: err.message } };
    const e = transformFailed(err);
    return { ok: false, failure: { code: e.code, message: e.message, cause: causeOf(err) } };
  }
}
