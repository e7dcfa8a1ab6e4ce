/**
 * Function calling and structured output through the official `openai` SDK against the real server
 * on loopback: an app written for OpenAI's tools and JSON modes, run unchanged against a local GGUF
 * deployment (the tiny random-weight llama: every call and JSON answer here is the grammar's doing,
 * not its weights') and against a remote deployment (a connection to this same server's /v1, so the
 * remote provider's pass-through meets a real OpenAI-compatible server, not a script).
 */
import OpenAI, { AzureOpenAI } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../helpers/model-server.ts';

let ms: ModelServer;

const client = (name: string) => new OpenAI({ apiKey: ms.keys[name], baseURL: `${ms.server.url}/v1`, maxRetries: 0 });

const weather: OpenAI.ChatCompletionFunctionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string', maxLength: 10 }, unit: { type: 'string', enum: ['c', 'f'] } },
      required: ['city', 'unit'],
      additionalProperties: false,
    },
    strict: true,
  },
};
const time: OpenAI.ChatCompletionFunctionTool = {
  type: 'function',
  function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'integer' } }, required: ['zone'], additionalProperties: false } },
};
const tools = [weather, time];
const ask: OpenAI.ChatCompletionMessageParam[] = [{ role: 'system', content: 'You are a tiny test model.' }, { role: 'user', content: 'What is the weather in Paris?' }];
const greedy = { temperature: 0, seed: 7, max_tokens: 120 } as const;

/** A call's arguments, parsed and checked against its tool's parameters. */
function checkedArguments(call: { function: { name: string; arguments: string } }): unknown {
  const tool = tools.find((t) => t.function.name === call.function.name);
  expect(tool, `a call of an undeclared tool ${call.function.name}`).toBeDefined();
  const args = JSON.parse(call.function.arguments);
  const check = z.fromJSONSchema(tool!.function.parameters as Parameters<typeof z.fromJSONSchema>[0]);
  expect(check.safeParse(args).success, call.function.arguments).toBe(true);
  return args;
}

const Reading = z.object({ city: z.string().max(10), warm: z.boolean(), degrees: z.number().int(), sky: z.enum(['clear', 'cloudy', 'rain']) });

beforeAll(async () => {
  ms = await startModelServer('tools-admin-token');
  await ms.addTinyLlama('tiny-llama');
  await ms.deploy('tiny', 'tiny-llama');
  await ms.deploy('chat', 'weir-extractive');
  // The remote deployment reaches the local one through this server's own /v1, with its key.
  await ms.admin('PUT', '/api/connections/self', { type: 'openai', settings: { base_url: `${ms.server.url}/v1` }, secrets: { api_key: ms.keys.tiny } });
  await ms.deploy('remote', 'gpt-4o-mini', { connection: 'self', remote_model: 'tiny' });
}, 60_000);

afterAll(() => ms?.close());

for (const name of ['tiny', 'remote']) {
  describe(`tools and JSON through the OpenAI SDK: ${name === 'tiny' ? 'local GGUF' : 'remote'} deployment`, () => {
    it('tool_choice required: the answer is a call of a declared tool with arguments matching its schema, content null, finish tool_calls', async () => {
      const r = await client(name).chat.completions.create({ model: name, messages: ask, tools, tool_choice: 'required', ...greedy });
      const choice = r.choices[0];
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.content).toBeNull();
      expect(choice.message.tool_calls).toHaveLength(1);
      const call = choice.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
      expect(call).toMatchObject({ id: expect.stringMatching(/^call_/), type: 'function', function: { name: expect.stringMatching(/^get_(weather|time)$/) } });
      checkedArguments(call);
      expect(r.usage!.completion_tokens).toBeGreaterThan(0);
    });

    it('a named tool_choice calls that tool', async () => {
      for (const tool of tools) {
        const r = await client(name).chat.completions.create({ model: name, messages: ask, tools, tool_choice: { type: 'function', function: { name: tool.function.name } }, ...greedy });
        const call = r.choices[0].message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
        expect(call.function.name).toBe(tool.function.name);
        checkedArguments(call);
      }
    });

    it('streams the call as OpenAI does (id, type and name first, then the arguments), and the SDK assembles the same call', async () => {
      const body = { model: name, messages: ask, tools, tool_choice: { type: 'function', function: { name: 'get_weather' } }, ...greedy } as const;
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const c of await client(name).chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } })) chunks.push(c);
      const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
      expect(deltas[0]).toMatchObject({ index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'get_weather', arguments: '' } });
      expect(deltas.slice(1).every((d) => d.index === 0 && d.id === undefined && d.function?.name === undefined)).toBe(true);
      const streamedArgs = deltas.map((d) => d.function?.arguments ?? '').join('');
      checkedArguments({ function: { name: 'get_weather', arguments: streamedArgs } });
      expect(chunks.findLast((c) => c.choices.length)!.choices[0].finish_reason).toBe('tool_calls');
      expect(chunks.at(-1)!.usage!.completion_tokens).toBeGreaterThan(0);

      // The SDK's own stream helper accumulates deltas into a message.
      const final = await client(name).chat.completions.stream(body).finalChatCompletion();
      const call = final.choices[0].message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
      expect(call.function.name).toBe('get_weather');
      checkedArguments(call);
    });

    it('takes the call and its result back (assistant tool_calls, a tool message) and answers in text under tool_choice none', async () => {
      const sdk = client(name);
      const first = await sdk.chat.completions.create({ model: name, messages: ask, tools, tool_choice: { type: 'function', function: { name: 'get_weather' } }, ...greedy });
      const asked = first.choices[0].message;
      const call = asked.tool_calls![0];
      const history: OpenAI.ChatCompletionMessageParam[] = [...ask, asked, { role: 'tool', tool_call_id: call.id, content: '{"temperature": 21, "sky": "clear"}' }];
      const r = await sdk.chat.completions.create({ model: name, messages: history, tools, tool_choice: 'none', ...greedy, max_tokens: 8 });
      expect(r.choices[0].message.tool_calls).toBeUndefined();
      expect(r.choices[0].message.content!.length).toBeGreaterThan(0);
      // The history is what the model read: the same call without its result is a shorter prompt.
      const without = await sdk.chat.completions.create({ model: name, messages: [...ask, asked, { role: 'tool', tool_call_id: call.id, content: '' }], tools, tool_choice: 'none', ...greedy, max_tokens: 8 });
      expect(r.usage!.prompt_tokens).toBeGreaterThan(without.usage!.prompt_tokens);
    });

    it('json_schema (strict), through the SDK\'s parse helper: the answer parses and matches the schema, plain and streamed', async () => {
      const format = zodResponseFormat(Reading, 'reading');
      const r = await client(name).chat.completions.parse({ model: name, messages: ask, response_format: format, ...greedy });
      expect(r.choices[0].finish_reason).toBe('stop');
      expect(Reading.safeParse(r.choices[0].message.parsed).success).toBe(true);
      expect(JSON.parse(r.choices[0].message.content!)).toEqual(r.choices[0].message.parsed);

      let streamed = '';
      for await (const c of await client(name).chat.completions.create({ model: name, messages: ask, response_format: format, ...greedy, stream: true })) streamed += c.choices[0]?.delta.content ?? '';
      expect(Reading.safeParse(JSON.parse(streamed)).success).toBe(true);
    });
  });
}

describe('parallel_tool_calls and json_object', () => {
  it('parallel_tool_calls false still gives one call; json_object gives a JSON object when it ends by itself', async () => {
    const r = await client('tiny').chat.completions.create({ model: 'tiny', messages: ask, tools, tool_choice: 'required', parallel_tool_calls: false, ...greedy });
    expect(r.choices[0].message.tool_calls).toHaveLength(1);
    const j = await client('tiny').chat.completions.create({
      model: 'tiny', messages: ask, ...greedy, max_tokens: 200,
      response_format: { type: 'json_object' },
    });
    // Random weights may run a free object past any budget (finish length); a finished one must be an object.
    const text = j.choices[0].message.content!;
    expect(text.startsWith('{')).toBe(true);
    if (j.choices[0].finish_reason === 'stop') expect(JSON.parse(text)).toBeTypeOf('object');
  });
});

describe('the Azure route', () => {
  it('calls tools and keeps to a schema through AzureOpenAI', async () => {
    const azure = new AzureOpenAI({ apiKey: ms.keys.tiny, endpoint: ms.server.url, apiVersion: '2024-10-21', deployment: 'tiny', maxRetries: 0 });
    const r = await azure.chat.completions.create({ model: 'ignored', messages: ask, tools, tool_choice: 'required', ...greedy });
    checkedArguments(r.choices[0].message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall);
    const p = await azure.chat.completions.parse({ model: 'ignored', messages: ask, response_format: zodResponseFormat(Reading, 'reading'), ...greedy });
    expect(Reading.safeParse(p.choices[0].message.parsed).success).toBe(true);
  });
});

describe('what a model cannot do, and bad tool requests', () => {
  const err = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

  it('the extractive model refuses tools and JSON with 400 naming the parameter', async () => {
    const sdk = client('chat');
    expect(await err(sdk.chat.completions.create({ model: 'chat', messages: ask, tools }))).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'tools' });
    expect(await err(sdk.chat.completions.create({ model: 'chat', messages: ask, response_format: { type: 'json_object' } }))).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'response_format' });
    // Tools it is told not to call ask nothing of it.
    const r = await sdk.chat.completions.create({ model: 'chat', messages: ask, tools, tool_choice: 'none' });
    expect(r.choices[0].finish_reason).toBe('stop');
  });

  it('a local model cannot keep to a schema while free to call tools: 400 naming response_format', async () => {
    const e = await err(client('tiny').chat.completions.create({ model: 'tiny', messages: ask, tools, tool_choice: 'auto', response_format: zodResponseFormat(Reading, 'reading') }));
    expect(e).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'response_format' });
  });

  it('a schema the grammar cannot hold is a 400 at the schema, not a 500', async () => {
    const e = await err(client('tiny').chat.completions.create({
      model: 'tiny', messages: ask, max_tokens: 8,
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { oneOf: 'not a list' } }, required: ['a'] } } },
    }));
    expect(e).toMatchObject({ status: 400, param: 'response_format.json_schema.schema' });
  });

  it('a tool whose parameters the grammar cannot hold is a 400 naming tools, whether the call is required or the model decides', async () => {
    const huge: OpenAI.ChatCompletionFunctionTool = { type: 'function', function: { name: 'many', parameters: { type: 'object', properties: { xs: { type: 'array', items: { type: 'integer' }, minItems: 100000 } }, required: ['xs'] } } };
    for (const tool_choice of ['required', 'auto'] as const) {
      const e = await err(client('tiny').chat.completions.create({ model: 'tiny', messages: ask, max_tokens: 8, tools: [huge], tool_choice }));
      expect(e, tool_choice).toMatchObject({ status: 400, code: 'invalid_tool_parameters', param: 'tools.0.function.parameters' });
    }
    // The model still serves the next call.
    expect((await client('tiny').chat.completions.create({ model: 'tiny', messages: ask, max_tokens: 4 })).choices[0].finish_reason).toBe('length');
  });
});
