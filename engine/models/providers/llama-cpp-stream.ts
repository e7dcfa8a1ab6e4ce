/**
 * Turns one llama.cpp generation (callback-driven, promise-returning) into Weir's event stream:
 * waits in line for a sequence, streams text as it arrives, ends with one `done` carrying the
 * finish reason and exact usage, and always hands the sequence back.
 */
import { DisposedError, type LlamaContextSequence } from 'node-llama-cpp';
import { WeirError } from '../../errors.ts';
import type { FinishReason, GenerateOptions, GenerationEvent, ToolCall } from '../types.ts';
import { message, type SharedContext } from './llama-cpp-runtime.ts';

/** node-llama-cpp's stop reasons for chat and completion. */
export type LlamaStopReason =
  | 'eogToken'
  | 'stopGenerationTrigger'
  | 'customStopTrigger'
  | 'functionCalls'
  | 'maxTokens'
  | 'abort';

export interface RunArgs {
  sequence: LlamaContextSequence;
  signal: AbortSignal;
  maxTokens: number;
  onTextChunk: (text: string) => void;
}

/** How a run ended; tool calls (#19) end it with finish reason `tool_calls`. */
export type RunResult = LlamaStopReason | { stopReason: LlamaStopReason; toolCalls: ToolCall[] };

export type Runner = (args: RunArgs) => Promise<RunResult>;

/** node-llama-cpp's suggested default; its own default (0, greedy) loops on small models. */
const DEFAULT_TEMPERATURE = 0.8;

/** Sampling settings shared by chat and completion. */
export function samplingOptions(opts: GenerateOptions) {
  const stops = (opts.stop ?? []).filter((s) => s.length > 0);
  return {
    temperature: opts.temperature ?? DEFAULT_TEMPERATURE,
    topP: opts.topP,
    seed: opts.seed,
    // No hidden penalties: callers get the sampling they asked for (as with OpenAI's API).
    repeatPenalty: false as const,
    customStopTriggers: stops.length > 0 ? stops : undefined,
  };
}

/** The prompt must leave room for at least one generated token. */
export function assertPromptFits(promptTokens: number, contextSize: number): void {
  if (promptTokens + 1 < contextSize) return;
  throw new WeirError(
    'context_length_exceeded',
    `the prompt is ${promptTokens} tokens but the model's context holds ${contextSize} tokens (prompt plus at least one generated token)`,
    { status: 400 },
  );
}

export async function* streamGeneration(
  ctx: SharedContext,
  promptTokens: number,
  opts: GenerateOptions,
  run: Runner,
): AsyncGenerator<GenerationEvent> {
  assertPromptFits(promptTokens, ctx.contextSize);
  // Requests are stateless: rather than shifting the context mid-answer, stop at its end.
  const room = ctx.contextSize - promptTokens;
  const maxTokens = opts.maxTokens !== undefined && opts.maxTokens > 0 ? Math.min(opts.maxTokens, room) : room;

  let sequence: LlamaContextSequence;
  try {
    sequence = await ctx.pool.acquire(opts.signal);
  } catch (err) {
    throw toWeirError(err, opts.signal);
  }
  const stopper = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stopper.signal]) : stopper.signal;
  const chunks = new ChunkChannel();
  // The meter counts every sampled token, including any that formed a stop string.
  const meterBefore = sequence.tokenMeter.getState();
  const result = run({ sequence, signal, maxTokens, onTextChunk: (t) => chunks.push(t) });
  result.then(() => chunks.end(), (err: unknown) => chunks.end(err));

  let settled = false;
  try {
    for (let text = await chunks.next(); text !== undefined; text = await chunks.next()) {
      if (text.length > 0) yield { type: 'text', text };
    }
    const ended = await result;
    settled = true;
    const completion = sequence.tokenMeter.diff(meterBefore).usedOutputTokens;
    const { stopReason, toolCalls } = typeof ended === 'string' ? { stopReason: ended, toolCalls: [] } : ended;
    const finishReason: FinishReason = toolCalls.length > 0 ? 'tool_calls' : stopReason === 'maxTokens' ? 'length' : 'stop';
    yield {
      type: 'done',
      finishReason,
      usage: { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion },
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
    };
  } catch (err) {
    settled = true;
    throw toWeirError(err, opts.signal);
  } finally {
    if (!settled) {
      // The consumer stopped reading: end the generation before the sequence goes back.
      stopper.abort();
      await result.catch(() => undefined);
    }
    ctx.pool.release(sequence);
  }
}

/** Aborts surface as `aborted` (or the caller's own WeirError reason); anything unexpected as a WeirError. */
function toWeirError(err: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    return reason instanceof WeirError ? reason : new WeirError('aborted', 'the generation was cancelled', { cause: reason, status: 499 });
  }
  if (err instanceof WeirError) return err;
  if (err instanceof DisposedError) return new WeirError('model_disposed', 'the model was unloaded during the generation', { cause: err, status: 409 });
  return new WeirError('generation_failed', `llama.cpp generation failed: ${message(err)}`, { cause: err, status: 500 });
}

/** Text chunks pushed by callbacks, pulled by the async generator. */
class ChunkChannel {
  private readonly queue: string[] = [];
  private ended = false;
  private error: unknown;
  private wake: (() => void) | undefined;

  push(text: string): void {
    this.queue.push(text);
    this.wake?.();
  }

  end(error?: unknown): void {
    this.ended = true;
    this.error = error;
    this.wake?.();
  }

  /** The next chunk; undefined once ended; throws the run's error after the chunks before it. */
  async next(): Promise<string | undefined> {
    while (this.queue.length === 0 && !this.ended) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    if (this.queue.length > 0) return this.queue.shift();
    if (this.error !== undefined) throw this.error;
    return undefined;
  }
}
