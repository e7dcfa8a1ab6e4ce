/**
 * Request bodies of the OpenAI-compatible routes. What Weir does not implement is refused with
 * 400 `unsupported_parameter` naming the field — a client must never believe a setting took effect
 * when it did not. Parameters whose value can mean "off" (n: 1, frequency_penalty: 0, …) are
 * accepted with that value only; `null` means "not given", as with OpenAI.
 */
import { z } from 'zod';
import { WeirError } from '../../errors.ts';
import type { ChatMessage, GenerateOptions, ResponseFormat, ToolChoice, ToolSpec } from '../../models/types.ts';

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
};
const CHAT_NEUTRAL = ['n', 'frequency_penalty', 'presence_penalty', 'logprobs', 'store', 'logit_bias'];
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

// OpenAI's rule for function names.
const FUNCTION_NAME = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a function name is letters, digits, _ or -, at most 64');

const TextParts = z.array(z.object({ type: z.string() }).loose()).min(1);

const ToolCallParam = z
  .object({
    id: z.string().min(1).max(256),
    type: z.literal('function'),
    function: z.object({ name: FUNCTION_NAME, arguments: z.string() }).strict(),
  })
  .strict();

const Message = z
  .object({
    role: z.string(),
    // An assistant message that calls tools may have no text (null, or left out).
    content: z.union([z.string(), TextParts]).nullable().optional(),
    // Assistant messages copied back from a response carry `refusal: null`.
    refusal: z.null().optional(),
    // Clients name tool and assistant messages (LangChain's ToolMessage does); models here do not read it.
    name: z.string().max(256).optional(),
    tool_calls: z.array(ToolCallParam).min(1).max(128).optional(),
    tool_call_id: z.string().min(1).max(256).optional(),
  })
  .strict();

const Tool = z
  .object({
    type: z.literal('function'),
    function: z
      .object({
        name: FUNCTION_NAME,
        description: z.string().max(16_384).nullish(),
        // A JSON Schema object; left out, the function takes no arguments (as OpenAI reads it).
        parameters: z.record(z.string(), z.unknown()).nullish(),
        strict: z.boolean().nullish(),
      })
      .strict(),
  })
  .strict();

const ToolChoiceParam = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: FUNCTION_NAME }).strict() }).strict(),
]);

const ResponseFormatParam = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }).strict(),
  z.object({ type: z.literal('json_object') }).strict(),
  z
    .object({
      type: z.literal('json_schema'),
      json_schema: z
        .object({
          name: FUNCTION_NAME,
          description: z.string().max(16_384).nullish(),
          schema: z.record(z.string(), z.unknown()).nullish(),
          strict: z.boolean().nullish(),
        })
        .strict(),
    })
    .strict(),
]);

const ChatBody = z
  .object({
    ...Generation,
    messages: z.array(Message).min(1, 'messages must not be empty'),
    tools: z.array(Tool).max(128, 'at most 128 tools').optional(),
    tool_choice: ToolChoiceParam.optional(),
    parallel_tool_calls: z.boolean().optional(),
    response_format: ResponseFormatParam.optional(),
  })
  .strict();
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

/** Text content: a string, or text parts joined by newlines. */
function textOf(content: string | z.output<typeof TextParts>, i: number): string {
  if (typeof content === 'string') return content;
  return content
    .map((p, j) => {
      if (p.type !== 'text') throw unsupported(['messages', i, 'content', j, 'type'], `content parts of type "${p.type}" are not supported; send text`);
      const extra = Object.keys(p).find((k) => k !== 'type' && k !== 'text');
      if (extra) throw unsupported(['messages', i, 'content', j, extra]);
      if (typeof p.text !== 'string') throw invalid(['messages', i, 'content', j, 'text'], `messages.${i}.content.${j}.text must be a string`);
      return p.text;
    })
    .join('\n');
}

type MessageParam = z.output<typeof Message>;

/**
 * One message as the models take it. `developer` is what newer clients call the system message.
 * A tool message must answer a call an earlier assistant message made (`calls`: the ids made so far).
 */
function toMessage(m: MessageParam, i: number, calls: Set<string>): ChatMessage {
  const at = (...p: Path) => ['messages', i, ...p];
  const role = m.role === 'developer' ? 'system' : m.role;
  if (role !== 'system' && role !== 'user' && role !== 'assistant' && role !== 'tool') {
    const hint = role === 'function' ? '; the legacy function role is replaced by tool messages' : '';
    throw unsupported(at('role'), `messages with role "${m.role}" are not supported (system, developer, user, assistant, tool)${hint}`);
  }
  if (m.name !== undefined && (role === 'system' || role === 'user')) throw unsupported(at('name'), `a name on ${m.role} messages is not supported; models here do not read it`);
  if (m.tool_calls && role !== 'assistant') throw invalid(at('tool_calls'), 'only assistant messages carry tool_calls');
  if (m.tool_call_id !== undefined && role !== 'tool') throw invalid(at('tool_call_id'), 'only tool messages carry tool_call_id');
  if (m.content == null && !(role === 'assistant' && m.tool_calls)) throw invalid(at('content'), `messages.${i}.content is required (only an assistant message with tool_calls may leave it out)`);
  const content = m.content == null ? '' : textOf(m.content, i);
  if (role === 'tool') {
    if (m.tool_call_id === undefined) throw invalid(at('tool_call_id'), 'a tool message needs the tool_call_id of the call it answers');
    if (!calls.has(m.tool_call_id)) throw invalid(at('tool_call_id'), `a tool message must answer a tool call of an earlier assistant message; "${m.tool_call_id}" is none`);
    return { role, content, tool_call_id: m.tool_call_id };
  }
  if (role === 'assistant' && m.tool_calls) {
    for (const c of m.tool_calls) calls.add(c.id);
    return { role, content, tool_calls: m.tool_calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })) };
  }
  return { role, content };
}

function toTools(b: z.output<typeof ChatBody>): Pick<GenerateOptions, 'tools' | 'toolChoice' | 'parallelToolCalls'> {
  const tools: ToolSpec[] | undefined = b.tools?.map(({ function: f }) => ({
    name: f.name,
    ...(f.description ? { description: f.description } : {}),
    parameters: f.parameters ?? { type: 'object', properties: {} },
    ...(f.strict != null ? { strict: f.strict } : {}),
  }));
  const names = new Set<string>();
  tools?.forEach((t, i) => {
    if (names.has(t.name)) throw invalid(['tools', i, 'function', 'name'], `two tools are named "${t.name}"`);
    names.add(t.name);
  });
  const tc = b.tool_choice;
  let toolChoice: ToolChoice | undefined;
  if (tc !== undefined) {
    toolChoice = typeof tc === 'string' ? tc : { name: tc.function.name };
    const asksCall = tc === 'required' || typeof tc === 'object';
    if (asksCall && !tools?.length) throw invalid(['tool_choice'], `tool_choice ${JSON.stringify(tc)} asks for a tool call, but no tools were given`);
    if (typeof tc === 'object' && !names.has(tc.function.name)) {
      throw invalid(['tool_choice', 'function', 'name'], `tool_choice names "${tc.function.name}", which is not among the tools (${[...names].join(', ')})`);
    }
  }
  if (b.parallel_tool_calls !== undefined && !tools?.length) throw invalid(['parallel_tool_calls'], 'parallel_tool_calls is only allowed when tools are given');
  return {
    ...(tools?.length ? { tools } : {}),
    ...(toolChoice !== undefined && tools?.length ? { toolChoice } : {}),
    ...(b.parallel_tool_calls !== undefined ? { parallelToolCalls: b.parallel_tool_calls } : {}),
  };
}

function toResponseFormat(f: z.output<typeof ResponseFormatParam> | undefined): ResponseFormat | undefined {
  if (!f || f.type === 'text') return undefined;
  if (f.type === 'json_object') return { type: 'json_object' };
  const { name, schema, strict } = f.json_schema;
  // OpenAI takes a json_schema without a schema: any JSON object, which is json_object here.
  if (!schema) return { type: 'json_object' };
  return { type: 'json_schema', name, schema, ...(strict != null ? { strict } : {}) };
}

export function parseChat(body: unknown): ChatRequest {
  const b = read(body, ChatBody, CHAT_NEUTRAL);
  const calls = new Set<string>();
  const messages = b.messages.map((m, i) => toMessage(m, i, calls));
  const g = generation(b);
  const responseFormat = toResponseFormat(b.response_format);
  return { ...g, opts: { ...g.opts, ...toTools(b), ...(responseFormat ? { responseFormat } : {}) }, messages };
}

/**
 * What a chat call puts before the model, as text: the messages, the calls they carry, and the
 * tools offered (their schemas take context too). For context checks, estimates and the prompt's safety step.
 */
export function chatTexts(req: ChatRequest): string[] {
  const texts = req.messages.flatMap((m) => [m.content, ...(m.tool_calls ?? []).map((c) => `${c.name} ${c.arguments}`)]);
  if (req.opts.tools?.length) texts.push(JSON.stringify(req.opts.tools));
  if (req.opts.responseFormat?.type === 'json_schema') texts.push(JSON.stringify(req.opts.responseFormat.schema));
  return texts.filter(Boolean);
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
