/**
 * Request bodies of the OpenAI-compatible routes. What Weir does not implement is refused with
 * 400 `unsupported_parameter` naming the field — a client must never believe a setting took effect
 * when it did not. Parameters whose value can mean "off" (n: 1, frequency_penalty: 0, …) are
 * accepted with that value only; `null` means "not given", as with OpenAI.
 */
import { z } from 'zod';
import { WeirError } from '../../errors.ts';
import type { ChatMessage, GenerateOptions, Role } from '../../models/types.ts';

type Path = (string | number)[];

export function unsupported(path: Path, message?: string): WeirError {
  const name = path.join('.');
  return new WeirError('unsupported_parameter', message ?? `"${name}" is not supported by this server`, { status: 400, path });
}

const invalid = (path: Path, message: string) => new WeirError('invalid_request', message, { status: 400, path });

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parameters accepted only with their "off" value, shown in the refusal. */
const NEUTRAL: Record<string, [accept: (v: unknown) => boolean, only: string]> = {
  n: [(v) => v === 1, '1'],
  best_of: [(v) => v === 1, '1'],
  frequency_penalty: [(v) => v === 0, '0'],
  presence_penalty: [(v) => v === 0, '0'],
  logprobs: [(v) => v === false, 'false'],
  echo: [(v) => v === false, 'false'],
  store: [(v) => v === false, 'false'],
  logit_bias: [(v) => isObject(v) && Object.keys(v).length === 0, '{}'],
  response_format: [(v) => isObject(v) && v.type === 'text' && Object.keys(v).length === 1, '{"type":"text"}'],
};
const CHAT_NEUTRAL = ['n', 'frequency_penalty', 'presence_penalty', 'logprobs', 'store', 'logit_bias', 'response_format'];
const COMPLETION_NEUTRAL = ['n', 'best_of', 'frequency_penalty', 'presence_penalty', 'echo', 'logit_bias'];

const Generation = {
  model: z.string().min(1).max(200).optional(),
  max_tokens: z.number().int().min(1).optional(),
  max_completion_tokens: z.number().int().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(4)]).optional(),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).strict().optional(),
  user: z.string().max(256).optional(),
};

const Message = z
  .object({
    role: z.string(),
    content: z.union([z.string(), z.array(z.object({ type: z.string() }).loose()).min(1)]),
    // Assistant messages copied back from a response carry `refusal: null`.
    refusal: z.null().optional(),
  })
  .strict();

const ChatBody = z.object({ ...Generation, messages: z.array(Message).min(1, 'messages must not be empty') }).strict();
// `suffix` is absent on purpose: null is dropped, anything else is an unsupported parameter.
const CompletionBody = z.object({ ...Generation, prompt: z.unknown() }).strict();
const EmbeddingsBody = z
  .object({
    model: z.string().min(1).max(200).optional(),
    input: z.unknown(),
    encoding_format: z.enum(['float', 'base64']).optional(),
    dimensions: z.number().int().min(1).optional(),
    user: z.string().max(256).optional(),
  })
  .strict();

/** Drops nulls, checks "off"-only parameters, then the schema; unknown fields are unsupported parameters. */
function read<S extends z.ZodType>(body: unknown, schema: S, neutral: string[]): z.output<S> {
  if (!isObject(body)) throw new WeirError('invalid_request', 'the body must be a JSON object', { status: 400 });
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (v === null) continue;
    if (neutral.includes(k)) {
      const [accept, only] = NEUTRAL[k];
      if (!accept(v)) throw unsupported([k], `"${k}" is not supported by this server (only ${only} or null is accepted)`);
      continue;
    }
    rest[k] = v;
  }
  const r = schema.safeParse(rest);
  if (r.success) return r.data;
  const unknown = r.error.issues.find((i) => i.code === 'unrecognized_keys');
  if (unknown && unknown.code === 'unrecognized_keys') throw unsupported([...unknown.path, unknown.keys[0]] as Path);
  const issue = r.error.issues[0];
  const path = issue.path as Path;
  throw invalid(path, `${path.length ? `${path.join('.')}: ` : ''}${issue.message}`);
}

export interface GenerationRequest {
  model?: string;
  stream: boolean;
  includeUsage: boolean;
  opts: GenerateOptions;
  /** The field that set the completion budget, for error messages. */
  maxParam: 'max_tokens' | 'max_completion_tokens';
}

export interface ChatRequest extends GenerationRequest {
  messages: ChatMessage[];
}

export interface CompletionRequest extends GenerationRequest {
  prompt: string;
}

export interface EmbeddingsRequest {
  model?: string;
  input: string[];
  format: 'float' | 'base64';
  dimensions?: number;
}

function generation(b: z.output<typeof ChatBody> | z.output<typeof CompletionBody>, defaultMax?: number): GenerationRequest {
  if (b.max_tokens !== undefined && b.max_completion_tokens !== undefined && b.max_tokens !== b.max_completion_tokens) {
    throw invalid(['max_completion_tokens'], 'give max_tokens or max_completion_tokens, not both with different values');
  }
  if (b.stream_options && !b.stream) throw invalid(['stream_options'], 'stream_options is only allowed when stream is true');
  const maxTokens = b.max_completion_tokens ?? b.max_tokens ?? defaultMax;
  const stop = b.stop === undefined ? undefined : typeof b.stop === 'string' ? [b.stop] : b.stop;
  return {
    ...(b.model !== undefined ? { model: b.model } : {}),
    stream: b.stream ?? false,
    includeUsage: b.stream_options?.include_usage ?? false,
    maxParam: b.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens',
    opts: {
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      ...(b.temperature !== undefined ? { temperature: b.temperature } : {}),
      ...(b.top_p !== undefined ? { topP: b.top_p } : {}),
      ...(b.seed !== undefined ? { seed: b.seed } : {}),
      ...(stop ? { stop } : {}),
    },
  };
}

const ROLES: Record<string, Role> = { system: 'system', developer: 'system', user: 'user', assistant: 'assistant' };

export function parseChat(body: unknown): ChatRequest {
  const b = read(body, ChatBody, CHAT_NEUTRAL);
  const messages = b.messages.map((m, i): ChatMessage => {
    // `developer` is what newer clients call the system message.
    const role = ROLES[m.role];
    if (!role) throw unsupported(['messages', i, 'role'], `messages with role "${m.role}" are not supported (system, user, assistant)`);
    if (typeof m.content === 'string') return { role, content: m.content };
    const parts = m.content.map((p, j) => {
      if (p.type !== 'text') throw unsupported(['messages', i, 'content', j, 'type'], `content parts of type "${p.type}" are not supported; send text`);
      const extra = Object.keys(p).find((k) => k !== 'type' && k !== 'text');
      if (extra) throw unsupported(['messages', i, 'content', j, extra]);
      if (typeof p.text !== 'string') throw invalid(['messages', i, 'content', j, 'text'], `messages.${i}.content.${j}.text must be a string`);
      return p.text;
    });
    return { role, content: parts.join('\n') };
  });
  return { ...generation(b), messages };
}

/** Like OpenAI's legacy completions, the completion budget is 16 tokens unless max_tokens says otherwise. */
export function parseCompletion(body: unknown): CompletionRequest {
  const b = read(body, CompletionBody, COMPLETION_NEUTRAL);
  const p = b.prompt;
  let prompt: string;
  if (typeof p === 'string') prompt = p;
  else if (Array.isArray(p) && p.length === 1 && typeof p[0] === 'string') prompt = p[0];
  else if (Array.isArray(p) && p.length > 1 && p.every((x) => typeof x === 'string')) throw unsupported(['prompt'], 'several prompts in one call are not supported; send one prompt per call');
  else if (Array.isArray(p) && p.length && (typeof p[0] === 'number' || Array.isArray(p[0]))) throw unsupported(['prompt'], 'token-id prompts are not supported; send text');
  else throw invalid(['prompt'], 'prompt must be a string (or an array of one string)');
  if (!prompt) throw invalid(['prompt'], 'prompt must not be empty');
  return { ...generation(b, 16), prompt };
}

export const MAX_EMBEDDING_INPUTS = 2048;

export function parseEmbeddings(body: unknown): EmbeddingsRequest {
  const b = read(body, EmbeddingsBody, []);
  const x = b.input;
  let input: string[];
  if (typeof x === 'string') input = [x];
  else if (Array.isArray(x) && x.length && x.every((s) => typeof s === 'string')) input = x as string[];
  else if (Array.isArray(x) && x.length && x.every((s) => typeof s === 'number' || Array.isArray(s))) throw unsupported(['input'], 'token-id inputs are not supported; send text');
  else throw invalid(['input'], 'input must be a string or a non-empty array of strings');
  if (input.length > MAX_EMBEDDING_INPUTS) throw invalid(['input'], `input has ${input.length} items; at most ${MAX_EMBEDDING_INPUTS} per call`);
  const empty = input.findIndex((s) => s === '');
  if (empty >= 0) throw invalid(typeof x === 'string' ? ['input'] : ['input', empty], 'input texts must not be empty');
  return { ...(b.model !== undefined ? { model: b.model } : {}), input, format: b.encoding_format ?? 'float', ...(b.dimensions !== undefined ? { dimensions: b.dimensions } : {}) };
}
