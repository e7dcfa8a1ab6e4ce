/**
 * Tools and structured output through the OpenAI-compatible remote provider: what it sends (OpenAI's
 * shapes for tools, tool_choice, parallel_tool_calls, response_format and tool-call history) and how
 * it reads the answer's tool calls, whole and streamed in deltas. The upstream is a loopback stand-in
 * (test/helpers/fake-chat-upstream.ts): no OpenAI-compatible service is reachable offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeChatUpstream, type FakeChatUpstream } from '../../../test/helpers/fake-chat-upstream.ts';
import type { ChatMessage, GenerateOptions, GenerationEvent, LoadedModel, ModelEntry, ToolSpec } from '../types.ts';
import { openAiRemoteProvider } from './openai-remote.ts';

let up: FakeChatUpstream;
let model: LoadedModel;

const entry: ModelEntry = {
  id: 'gpt-4o-mini',
  name: 'GPT-4o mini',
  publisher: 'OpenAI',
  task: 'chat-completion',
  provider: 'openai-compatible',
  format: 'remote',
  license: 'proprietary',
  parameters: null,
  contextLength: 128_000,
  fileSizeBytes: null,
  source: { kind: 'remote', model: 'gpt-4o-mini' },
  price: null,
  description: 'remote',
  labels: [],
};

const weather: ToolSpec = {
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: true,
};

async function run(messages: ChatMessage[], opts: GenerateOptions) {
  let text = '';
  for await (const e of model.chat!(messages, opts) as AsyncIterable<GenerationEvent>) {
    if (e.type === 'text') text += e.text;
    else if (e.type === 'done') return { ...e, text };
  }
  throw new Error('no done event');
}

beforeAll(async () => {
  up = await startFakeChatUpstream();
  model = await openAiRemoteProvider.load(entry, { threads: 1, remote: { baseUrl: up.baseUrl, apiKey: 'k', flavor: 'openai' } });
});

afterAll(async () => {
  await up?.close();
});

describe('remote tools and structured output', () => {
  it('sends tools, tool_choice, parallel_tool_calls and a tool-call history in OpenAI shapes', async () => {
    const history: ChatMessage[] = [
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_a', name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
      { role: 'tool', tool_call_id: 'call_a', content: 'rain' },
    ];
    await run(history, { tools: [weather], toolChoice: { name: 'get_weather' }, parallelToolCalls: false });
    const body = up.bodies.at(-1)!;
    expect(body.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'The weather in a city', parameters: weather.parameters, strict: true } },
    ]);
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(body.parallel_tool_calls).toBe(false);
    expect(body.messages).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_a', content: 'rain' },
    ]);
    expect(body).not.toHaveProperty('response_format');

    await run(history.slice(0, 1), { tools: [weather], toolChoice: 'required' });
    expect(up.bodies.at(-1)!.tool_choice).toBe('required');
    await run(history.slice(0, 1), {});
    expect(Object.keys(up.bodies.at(-1)!).filter((k) => /tool|response_format/.test(k))).toEqual([]);
  });

  it('sends response_format json_schema and json_object as OpenAI takes them', async () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } }, required: ['a'], additionalProperties: false };
    await run([{ role: 'user', content: 'x' }], { responseFormat: { type: 'json_schema', name: 'thing', schema, strict: true } });
    expect(up.bodies.at(-1)!.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'thing', schema, strict: true } });
    await run([{ role: 'user', content: 'x' }], { responseFormat: { type: 'json_object' } });
    expect(up.bodies.at(-1)!.response_format).toEqual({ type: 'json_object' });
  });

  it('reads tool calls from a whole answer', async () => {
    up.answer({
      json: {
        choices: [
          {
            message: {
              content: null,
              tool_calls: [
                { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
                { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
              ],
            },
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 },
      },
    });
    const res = await run([{ role: 'user', content: 'x' }], { tools: [weather] });
    expect(res.finishReason).toBe('tool_calls');
    expect(res.text).toBe('');
    expect(res.toolCalls).toEqual([
      { id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
    ]);
    expect(res.usage).toEqual({ prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 });
  });

  it('assembles streamed tool-call deltas by index, interleaved', async () => {
    const delta = (tool_calls: unknown[], finish_reason: string | null = null) => ({ choices: [{ index: 0, delta: { tool_calls }, finish_reason }] });
    up.answer({
      events: [
        { choices: [{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }] },
        delta([{ index: 0, id: 'call_x', type: 'function', function: { name: 'get_weather', arguments: '' } }]),
        delta([{ index: 1, id: 'call_y', type: 'function', function: { name: 'get_weather', arguments: '{"ci' } }]),
        delta([{ index: 0, function: { arguments: '{"city":' } }]),
        delta([{ index: 1, function: { arguments: 'ty":"Rome"}' } }]),
        delta([{ index: 0, function: { arguments: '"Oslo"}' } }]),
        { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
        { choices: [], usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } },
      ],
    });
    const res = await run([{ role: 'user', content: 'x' }], { tools: [weather] });
    expect(res.finishReason).toBe('tool_calls');
    expect(res.toolCalls).toEqual([
      { id: 'call_x', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { id: 'call_y', name: 'get_weather', arguments: '{"city":"Rome"}' },
    ]);
    expect(res.usage.total_tokens).toBe(18);
  });

  it('streams plain text with no tool calls as before', async () => {
    up.answer({
      events: [
        { choices: [{ index: 0, delta: { content: '{"a":' }, finish_reason: null }] },
        { choices: [{ index: 0, delta: { content: '1}' }, finish_reason: 'stop' }] },
      ],
    });
    const res = await run([{ role: 'user', content: 'x' }], { responseFormat: { type: 'json_object' } });
    expect(res).toMatchObject({ text: '{"a":1}', finishReason: 'stop' });
    expect(res).not.toHaveProperty('toolCalls');
  });
});
