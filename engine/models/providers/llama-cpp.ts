/**
 * llama.cpp (GGUF) models through node-llama-cpp, on CPU. Chat uses the model's own template
 * (resolved from the GGUF by node-llama-cpp); completion feeds the prompt as is. Requests are
 * stateless and share a loaded model: each takes a free context sequence, or waits in line.
 * Entries with task `embeddings` load as embedding models instead (llama-cpp-embed.ts): they
 * embed and do not chat, and chat models do not embed.
 */
import { resolve } from 'node:path';
import { LlamaChat, LlamaCompletion, type ChatModelFunctions, type LlamaGrammar, type Token } from 'node-llama-cpp';
import { WeirError } from '../../errors.ts';
import type {
  ChatMessage,
  GenerateOptions,
  GenerationEvent,
  LoadedModel,
  LoadOptions,
  ModelEntry,
  ModelProvider,
} from '../types.ts';
import { assertEmbeddable, LlamaCppEmbeddingModel } from './llama-cpp-embed.ts';
import {
  acquireContext,
  acquireEmbedder,
  acquireModel,
  releaseContext,
  releaseModel,
  type ContextSpec,
  type SharedContext,
  type SharedEmbedder,
  type SharedModel,
} from './llama-cpp-runtime.ts';
import { responseFormatGrammar, schemaGrammar } from './llama-cpp-grammar.ts';
import { StopMatcher } from './llama-cpp-stop.ts';
import { samplingOptions, streamGeneration, type LlamaStopReason, type Runner, type RunArgs } from './llama-cpp-stream.ts';
import { checkToolGrammars, parseForcedCall, planTools, toChatHistory, toToolCalls } from './llama-cpp-tools.ts';

export { loadedModelCount } from './llama-cpp-runtime.ts';

/** Cap on the default context: KV cache memory grows with it, and few requests need more. */
const MAX_DEFAULT_CONTEXT = 4096;
/**
 * Embedding contexts batch a whole input at once, so their compute buffer grows with the square of
 * the window; 2048 covers BERT-style models (512) and nomic-embed's default window.
 */
const MAX_DEFAULT_EMBEDDING_CONTEXT = 2048;

export const llamaCppProvider: ModelProvider = {
  id: 'llama-cpp',
  async load(entry: ModelEntry, opts: LoadOptions): Promise<LoadedModel> {
    if (entry.source.kind !== 'local') {
      throw new WeirError(
        'unsupported_model_source',
        `the llama-cpp provider loads local .gguf files; model "${entry.id}" has a ${entry.source.kind} source`,
        { status: 400 },
      );
    }
    if (!Number.isInteger(opts.threads) || opts.threads < 1) {
      throw new WeirError('invalid_threads', `threads must be a positive integer, got ${opts.threads}`, { status: 400 });
    }
    throwIfCancelled(opts.signal);
    const shared = await acquireModel(resolve(entry.source.path));
    if (entry.task === 'embeddings') return loadEmbedder(entry, shared, opts);
    const spec: ContextSpec = {
      contextSize: opts.contextSize ?? Math.min(entry.contextLength ?? shared.model.trainContextSize, MAX_DEFAULT_CONTEXT),
      threads: opts.threads,
    };
    let context: SharedContext;
    try {
      context = await acquireContext(shared, spec);
    } catch (err) {
      await releaseModel(shared);
      throw err;
    }
    const loaded = new LlamaCppModel(entry, shared, spec, context);
    if (opts.signal?.aborted) {
      await loaded.dispose();
      throwIfCancelled(opts.signal);
    }
    return loaded;
  },
};

async function loadEmbedder(entry: ModelEntry, shared: SharedModel, opts: LoadOptions): Promise<LoadedModel> {
  const train = shared.model.trainContextSize;
  // Never past the trained window: BERT-style position tables end there, and reading past one
  // aborts the process.
  const window = Math.min(opts.contextSize ?? Math.min(entry.contextLength ?? train, MAX_DEFAULT_EMBEDDING_CONTEXT), train);
  const spec: ContextSpec = { contextSize: window, threads: opts.threads };
  let embedder: SharedEmbedder;
  try {
    assertEmbeddable(entry, shared.model);
    embedder = await acquireEmbedder(shared, spec);
  } catch (err) {
    await releaseModel(shared);
    throw err;
  }
  const loaded = new LlamaCppEmbeddingModel(entry, shared, spec, embedder);
  if (opts.signal?.aborted) {
    await loaded.dispose();
    throwIfCancelled(opts.signal);
  }
  return loaded;
}

class LlamaCppModel implements LoadedModel {
  private disposed = false;

  constructor(
    readonly entry: ModelEntry,
    private readonly shared: SharedModel,
    private readonly spec: ContextSpec,
    private readonly context: SharedContext,
  ) {}

  get contextLength(): number {
    return this.context.contextSize;
  }

  chat(messages: ChatMessage[], opts: GenerateOptions): AsyncIterable<GenerationEvent> {
    return this.generate(opts, async () => {
      const { model, chatWrapper } = this.shared;
      const plan = planTools(opts);
      if (plan.mode === 'auto' && opts.responseFormat && opts.responseFormat.type !== 'text') {
        // node-llama-cpp constrains an answer either to its tool-call syntax or to a grammar, not both.
        throw new WeirError('unsupported_parameter', 'a local model cannot keep to response_format while it may also call tools (tool_choice "auto"); drop one, or require a tool call', {
          status: 400,
          path: ['response_format'],
        });
      }
      if (plan.mode !== 'none') await checkToolGrammars(model.llama, opts.tools ?? []);
      const history = toChatHistory(messages);
      let grammar: LlamaGrammar | undefined;
      if (plan.mode === 'forced') {
        history.unshift({ type: 'system', text: forcedCallInstructions(plan.functions) });
        grammar = await schemaGrammar(model.llama, plan.schema, ['tools'], 'invalid_tool_parameters');
      } else {
        grammar = await responseFormatGrammar(model.llama, opts.responseFormat);
      }
      // Ending with an empty model turn makes the template open the assistant's reply.
      history.push({ type: 'model', response: [] });
      const functions = plan.mode === 'auto' ? plan.functions : undefined;
      // Tokenized exactly as LlamaChat does, so the count is the prompt the model attends to.
      const state = chatWrapper.generateContextState({
        chatHistory: history,
        ...(functions ? { availableFunctions: functions, documentFunctionParams: true } : {}),
      });
      const promptTokens = state.contextText.tokenize(model.tokenizer).length;
      const run: Runner = async ({ sequence, signal, maxTokens, onTextChunk }) => {
        const chat = new LlamaChat({ contextSequence: sequence, chatWrapper });
        const base = { ...samplingOptions(opts), maxTokens, signal };
        try {
          if (functions) {
            const res = await chat.generateResponse(history, {
              ...base,
              onTextChunk,
              functions,
              documentFunctionParams: true,
              ...(plan.mode === 'auto' && plan.maxCalls ? { maxParallelFunctionCalls: plan.maxCalls } : {}),
            });
            return { stopReason: res.metadata.stopReason, toolCalls: toToolCalls(res.functionCalls) };
          }
          if (plan.mode === 'forced') {
            // The call is JSON for the route to reshape, not text for the caller: held until whole.
            const res = await chat.generateResponse(history, { ...base, grammar });
            const call = parseForcedCall(res.response);
            if (call) return { stopReason: res.metadata.stopReason, toolCalls: [call] };
            onTextChunk(res.response);
            return res.metadata.stopReason;
          }
          const res = await chat.generateResponse(history, { ...base, grammar, onTextChunk });
          return res.metadata.stopReason;
        } finally {
          chat.dispose({ disposeSequence: false });
        }
      };
      return { promptTokens, run };
    });
  }

  complete(prompt: string, opts: GenerateOptions): AsyncIterable<GenerationEvent> {
    return this.generate(opts, () => {
      const { model } = this.shared;
      // LlamaCompletion prepends BOS itself, and then drops the SPM leading space; mirror it.
      const bos = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
      const tokens = model.tokenize(prompt, false, bos !== null ? 'trimLeadingSpace' : undefined);
      const promptTokens = tokens.length + (bos !== null ? 1 : 0);
      const run: Runner = (args) => runCompletion(tokens, opts, args);
      return { promptTokens, run };
    });
  }

  /** Errors (disposed, too long) surface while iterating, like every other generation error. */
  private async *generate(
    opts: GenerateOptions,
    prepare: () => { promptTokens: number; run: Runner } | Promise<{ promptTokens: number; run: Runner }>,
  ): AsyncGenerator<GenerationEvent> {
    this.assertUsable();
    const { promptTokens, run } = await prepare();
    yield* streamGeneration(this.context, promptTokens, opts, run);
  }

  async tokenize(text: string): Promise<number[]> {
    this.assertUsable();
    return this.shared.model.tokenize(text);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await releaseContext(this.shared, this.spec);
    await releaseModel(this.shared);
  }

  private assertUsable(): void {
    if (this.disposed) throw new WeirError('model_disposed', `model "${this.entry.id}" was unloaded`, { status: 409 });
  }
}

/** Plain completion; stop strings are matched here, on the streamed text (see llama-cpp-stop.ts). */
async function runCompletion(tokens: Token[], opts: GenerateOptions, args: RunArgs): Promise<LlamaStopReason> {
  const { customStopTriggers, ...sampling } = samplingOptions(opts);
  const matcher = new StopMatcher(customStopTriggers ?? []);
  const stopped = new AbortController();
  const completion = new LlamaCompletion({ contextSequence: args.sequence });
  try {
    const res = await completion.generateCompletionWithMeta(tokens, {
      ...sampling,
      maxTokens: args.maxTokens,
      signal: AbortSignal.any([args.signal, stopped.signal]),
      // Ends right after the token that completed a stop string, so usage counts exactly it.
      stopOnAbortSignal: true,
      onTextChunk: (chunk) => {
        const text = matcher.push(chunk);
        if (text) args.onTextChunk(text);
        if (matcher.stopped) stopped.abort();
      },
      // The prompt was checked to fit; never let the library cut its beginning off.
      contextShiftSize: 1,
      disableContextShift: true,
    });
    if (matcher.stopped) return 'customStopTrigger';
    args.signal.throwIfAborted();
    const rest = matcher.flush();
    if (rest) args.onTextChunk(rest);
    return res.metadata.stopReason;
  } finally {
    completion.dispose({ disposeSequence: false });
  }
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new WeirError('aborted', 'loading the model was cancelled', { cause: signal.reason, status: 499 });
}

/**
 * A required call is produced as `{"name", "arguments"}` JSON under a grammar, so the model is told
 * the tools and that form (its template's own call syntax would contradict the grammar).
 */
function forcedCallInstructions(functions: ChatModelFunctions): string {
  const tools = Object.entries(functions).map(([name, f]) => ({ name, ...(f.description ? { description: f.description } : {}), parameters: f.params }));
  return [
    'You have these tools:',
    JSON.stringify(tools, null, 2),
    'Answer now with a call of one of them, as JSON: {"name": <the tool\'s name>, "arguments": <its parameters>}.',
  ].join('\n');
}
