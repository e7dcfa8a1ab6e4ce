/**
 * Structured output and tool calls on a local GGUF, for real: the tiny random-weight llama of
 * test/helpers/tiny-gguf.ts. Its weights can never pick `{`, `"` or `:` on their own (they are byte
 * tokens it suppresses), so every JSON answer here is the grammar's doing, not the model's.
 * Strings carry maxLength and arrays maxItems: random weights would otherwise never close them
 * before max_tokens (a cut-short answer ends with `length`, as OpenAI's does).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyLlamaGguf } from '../../../test/helpers/tiny-gguf.ts';
import { defaultThreads } from '../threads.ts';
import { collect, type ChatMessage, type GenerateOptions, type GenerationEvent, type LoadedModel, type ModelEntry, type ToolSpec } from '../types.ts';
import { llamaCppProvider } from './llama-cpp.ts';
import { toGbnfSchema } from './llama-cpp-grammar.ts';

let dir: string;
let model: LoadedModel;

const ask: ChatMessage[] = [
  { role: 'system', content: 'You are a tiny test model.' },
  { role: 'user', content: 'hello the quick brown fox' },
];
const greedy = { temperature: 0, seed: 7, maxTokens: 160 };

function chat(messages: ChatMessage[], opts: GenerateOptions): AsyncIterable<GenerationEvent> {
  if (!model.chat) throw new Error('llama-cpp models must chat');
  return model.chat(messages, opts);
}

async function done(stream: AsyncIterable<GenerationEvent>) {
  let text = '';
  for await (const e of stream) {
    if (e.type === 'text') text += e.text;
    else if (e.type === 'done') return { ...e, text };
  }
  throw new Error('no done event');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-llama-structured-'));
  const gguf = await writeTinyLlamaGguf(join(dir, 'tiny.gguf'), { seed: 11, contextLength: 2048 });
  const entry: ModelEntry = {
    id: 'tiny-random-llama',
    name: 'Tiny random llama',
    publisher: 'weir-tests',
    task: 'chat-completion',
    provider: 'llama-cpp',
    format: 'gguf',
    license: 'apache-2.0',
    parameters: null,
    contextLength: 1024,
    fileSizeBytes: null,
    source: { kind: 'local', path: gguf.file },
    price: null,
    description: 'random weights, for tests',
    labels: [],
  };
  model = await llamaCppProvider.load(entry, { threads: defaultThreads() });
}, 60_000);

afterAll(async () => {
  await model?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const person = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 12 },
    age: { type: 'number' },
    kind: { type: 'string', enum: ['cat', 'dog', 'fox'] },
    count: { type: 'integer' },
    tags: { type: 'array', items: { type: 'string', maxLength: 6 }, maxItems: 3 },
  },
  required: ['name', 'age', 'kind', 'count', 'tags'],
  additionalProperties: false,
};

const order = {
  type: 'object',
  properties: {
    order: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        lines: {
          type: 'array',
          maxItems: 2,
          items: { type: 'object', properties: { sku: { type: 'string', maxLength: 8 }, qty: { type: 'integer' } }, required: ['sku', 'qty'] },
        },
      },
      required: ['id', 'lines'],
    },
    paid: { type: 'boolean' },
    note: { anyOf: [{ type: 'string', maxLength: 5 }, { type: 'null' }] },
  },
  required: ['order', 'paid', 'note'],
};

// Two llama.cpp threads on a busy 2-vCPU VM can be very slow (a limit, not a timing assertion).
describe('llama-cpp structured output', { timeout: 300_000 }, () => {
  it.each([
    ['an object with string, number, enum and array fields', person],
    ['nested objects, an array of objects and anyOf', order],
  ])('keeps to a JSON schema: %s', async (_, schema) => {
    const res = await done(chat(ask, { ...greedy, responseFormat: { type: 'json_schema', name: 'answer', schema, strict: true } }));
    expect(res.finishReason).toBe('stop');
    const value: unknown = JSON.parse(res.text);
    expect(schemaErrors(schema, value)).toEqual([]);
    expect(res.usage.completion_tokens).toBeGreaterThan(5);
  });

  it('answers json_object with a JSON object', async () => {
    const res = await done(chat(ask, { ...greedy, maxTokens: 24, responseFormat: { type: 'json_object' } }));
    // Cut short or not, the answer is JSON from its first character.
    expect(res.text.trimStart().startsWith('{')).toBe(true);
    const plain = await collect(chat(ask, { ...greedy, maxTokens: 24 }));
    expect(plain.text).not.toContain('{');
  });

  it('refuses a schema that is not an object, and response_format with tools the model may choose', async () => {
    await expect(collect(chat(ask, { ...greedy, responseFormat: { type: 'json_schema', name: 'x', schema: [] as never } }))).rejects.toMatchObject({
      code: 'invalid_response_format',
      status: 400,
      path: ['response_format', 'json_schema', 'schema'],
    });
    await expect(collect(chat(ask, { ...greedy, tools: [weather], responseFormat: { type: 'json_object' } }))).rejects.toMatchObject({
      code: 'unsupported_parameter',
      path: ['response_format'],
    });
  });
});

const weather: ToolSpec = {
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string', maxLength: 10 }, unit: { type: 'string', enum: ['c', 'f'] } },
    required: ['city', 'unit'],
  },
};
const lookup: ToolSpec = {
  name: 'lookup_order',
  parameters: { type: 'object', properties: { id: { type: 'integer' }, full: { type: 'boolean' } }, required: ['id', 'full'] },
};
const tools = [weather, lookup];

describe('llama-cpp tool calls', { timeout: 300_000 }, () => {
  it('makes a well-formed call of a declared tool when a call is required', async () => {
    const res = await done(chat(ask, { ...greedy, tools, toolChoice: 'required' }));
    expect(res.finishReason).toBe('tool_calls');
    expect(res.text).toBe('');
    expect(res.toolCalls).toHaveLength(1);
    const call = res.toolCalls![0];
    expect(call.id).toMatch(/^call_[0-9a-f]{24}$/);
    const tool = tools.find((t) => t.name === call.name);
    expect(tool).toBeDefined();
    expect(schemaErrors(tool!.parameters, JSON.parse(call.arguments))).toEqual([]);
  });

  it('keeps the calls when a generation is collected whole', async () => {
    const res = await collect(chat(ask, { ...greedy, tools, toolChoice: { name: 'get_weather' } }));
    expect(res.finishReason).toBe('tool_calls');
    expect(res.toolCalls?.map((c) => c.name)).toEqual(['get_weather']);
  });

  it('calls the named tool when tool_choice names one', async () => {
    for (const name of ['lookup_order', 'get_weather']) {
      const res = await done(chat(ask, { ...greedy, tools, toolChoice: { name } }));
      expect(res.finishReason).toBe('tool_calls');
      expect(res.toolCalls?.map((c) => c.name)).toEqual([name]);
      const tool = tools.find((t) => t.name === name)!;
      expect(schemaErrors(tool.parameters, JSON.parse(res.toolCalls![0].arguments))).toEqual([]);
    }
  });

  it("offers the tools in the template's own format under auto, and none under none", async () => {
    const auto = await done(chat(ask, { ...greedy, maxTokens: 4, tools, toolChoice: 'auto' }));
    const none = await done(chat(ask, { ...greedy, maxTokens: 4, tools, toolChoice: 'none' }));
    const bare = await done(chat(ask, { ...greedy, maxTokens: 4 }));
    // The random weights never call (they cannot write the call syntax); the prompt shows the offer.
    expect(auto.finishReason).toBe('length');
    expect(auto.usage.prompt_tokens).toBeGreaterThan(bare.usage.prompt_tokens + 50);
    expect(none.usage.prompt_tokens).toBe(bare.usage.prompt_tokens);
  });

  it('reads earlier calls and their results from the history', async () => {
    const history: ChatMessage[] = [
      ...ask,
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo","unit":"c"}' }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'light rain and small house weather '.repeat(4) },
    ];
    const withResult = await done(chat(history, { ...greedy, maxTokens: 4, tools }));
    const shorter = await done(chat([...history.slice(0, 3), { ...history[3], content: 'rain' }], { ...greedy, maxTokens: 4, tools }));
    expect(withResult.finishReason).toBe('length');
    // The result's text is in the prompt the model reads.
    expect(withResult.usage.prompt_tokens).toBeGreaterThan(shorter.usage.prompt_tokens + 10);
  });

  it('refuses a tool message that answers no call, and a tool_choice it cannot honour', async () => {
    const orphan: ChatMessage[] = [...ask, { role: 'tool', tool_call_id: 'call_9', content: 'x' }];
    await expect(collect(chat(orphan, { ...greedy, tools }))).rejects.toMatchObject({ code: 'invalid_request', status: 400, path: ['messages', 2, 'tool_call_id'] });
    await expect(collect(chat(ask, { ...greedy, tools, toolChoice: { name: 'nope' } }))).rejects.toMatchObject({
      code: 'invalid_tool_choice',
      path: ['tool_choice', 'function', 'name'],
    });
    await expect(collect(chat(ask, { ...greedy, toolChoice: 'required' }))).rejects.toMatchObject({ code: 'invalid_tool_choice', status: 400 });
    const badArgs: ChatMessage[] = [...ask, { role: 'assistant', content: '', tool_calls: [{ id: 'c', name: 'get_weather', arguments: '{oops' }] }];
    await expect(collect(chat(badArgs, { ...greedy, tools }))).rejects.toMatchObject({ code: 'invalid_request', path: ['messages', 2, 'tool_calls', 0, 'function', 'arguments'] });
  });
});

describe('toGbnfSchema', () => {
  it('renames anyOf to oneOf at every depth and leaves data keywords alone', () => {
    expect(toGbnfSchema({ properties: { a: { anyOf: [{ type: 'null' }] }, b: { enum: [{ anyOf: 1 }] } } })).toEqual({
      properties: { a: { oneOf: [{ type: 'null' }] }, b: { enum: [{ anyOf: 1 }] } },
    });
  });
});

/**
 * Where `value` breaks `schema`, for the keywords these tests use (no validator is a dependency):
 * type, properties / required / additionalProperties false, items / maxItems, maxLength, enum, anyOf.
 */
function schemaErrors(schema: Record<string, unknown>, value: unknown, at = '$'): string[] {
  if (Array.isArray(schema.anyOf)) {
    const ok = (schema.anyOf as Record<string, unknown>[]).some((s) => schemaErrors(s, value, at).length === 0);
    return ok ? [] : [`${at}: matches no anyOf branch`];
  }
  const errors: string[] = [];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${at}: ${JSON.stringify(value)} not in enum`);
  const typeOk: Record<string, (v: unknown) => boolean> = {
    object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    array: Array.isArray,
    string: (v) => typeof v === 'string',
    number: (v) => typeof v === 'number',
    integer: (v) => Number.isInteger(v),
    boolean: (v) => typeof v === 'boolean',
    null: (v) => v === null,
  };
  if (typeof schema.type === 'string' && !typeOk[schema.type](value)) return [...errors, `${at}: not ${schema.type}`];
  if (typeof value === 'string' && typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) errors.push(`${at}: longer than ${schema.maxLength}`);
  if (Array.isArray(value)) {
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) errors.push(`${at}: more than ${schema.maxItems} items`);
    if (schema.items) value.forEach((v, i) => errors.push(...schemaErrors(schema.items as Record<string, unknown>, v, `${at}[${i}]`)));
  }
  if (schema.type === 'object' && typeOk.object(value)) {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in obj)) errors.push(`${at}.${key}: missing`);
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) errors.push(...schemaErrors(props[key], v, `${at}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${at}.${key}: not allowed`);
    }
  }
  return errors;
}
