/**
 * Tools and JSON modes on a remote deployment, against a scripted OpenAI-compatible upstream on
 * loopback (OpenAI, vLLM or Ollama cannot be reached offline): what Weir sends upstream from an
 * SDK's request, how an upstream's fragmented tool-call deltas reach the client, and a call whose
 * arguments the deployment's safety policy filters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRegistry } from '../../engine/registry.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { startFakeChatUpstream, type FakeChatUpstream } from '../helpers/fake-chat-upstream.ts';

const ADMIN = 'remote-tools-admin';
let server: RunningServer;
let up: FakeChatUpstream;
let dir: string;
const keys: Record<string, string> = {};

async function admin(method: string, url: string, body?: unknown): Promise<any> {
  const res = await fetch(server.url + url, { method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const client = (name: string) => new OpenAI({ apiKey: keys[name], baseURL: `${server.url}/v1`, maxRetries: 0 });

const weather: OpenAI.ChatCompletionFunctionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: true },
};
const ask: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris and Rome?' }];

const chunk = (delta: unknown, finish: string | null = null) => ({ id: 'up-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] });
/** Two calls as OpenAI streams them: each opened with its id and name, then its arguments in pieces, one call after the other. */
const twoCalls = [
  chunk({ role: 'assistant', content: null }),
  chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty": "Paris"}' } }] }),
  chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city"' } }] }),
  chunk({ tool_calls: [{ index: 1, function: { arguments: ': "Rome"}' } }] }),
  chunk({}, 'tool_calls'),
  { ...chunk({}), choices: [], usage: { prompt_tokens: 20, completion_tokens: 12, total_tokens: 32 } },
];
const callAnswer = (args: string) => ({
  json: {
    id: 'up-2', object: 'chat.completion', created: 1, model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_x', type: 'function', function: { name: 'get_weather', arguments: args } }] }, finish_reason: 'tool_calls' }],
    usage: { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 },
  },
});

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'weir-remote-tools-'));
  up = await startFakeChatUpstream();
  server = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, dataDir: dir, adminToken: ADMIN, examplesDir: null });
  await admin('PUT', '/api/connections/up', { type: 'openai', settings: { base_url: up.baseUrl }, secrets: { api_key: 'sk-upstream' } });
  await admin('PUT', '/api/blocklists/secrets', { items: [{ id: 'codename', term: 'Bluebird' }] });
  await admin('PUT', '/api/safety-policies/listed', { blocklists: ['secrets'] });
  const off = { hate: 'off', sexual: 'off', violence: 'off', self_harm: 'off' };
  await admin('PUT', '/api/safety-policies/off', { prompt: off, completion: off, jailbreak: false });
  for (const [name, extra] of [['remote', {}], ['guarded', { safety_policy: 'listed' }], ['unjudged', { safety_policy: 'off' }]] as const) {
    await admin('POST', '/api/deployments', { name, model: 'gpt-4o-mini', connection: 'up', remote_model: 'upstream-model', ...extra });
    keys[name] = (await admin('POST', `/api/deployments/${name}/keys`, {})).key;
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
  await up?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a remote deployment passes tools and JSON modes through', () => {
  it('sends the SDK\'s tools, tool_choice, parallel_tool_calls, response_format and tool-call history upstream in OpenAI\'s shapes', async () => {
    up.answer(callAnswer('{"city":"Paris"}'));
    const history: OpenAI.ChatCompletionMessageParam[] = [
      ...ask,
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_0', content: 'snow' },
    ];
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
    const r = await client('remote').chat.completions.create({
      model: 'remote', messages: history, tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } }, parallel_tool_calls: false,
    });
    expect(r.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { content: null, tool_calls: [{ id: 'call_x', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] } });
    const sent = up.bodies.at(-1)!;
    expect(sent.model).toBe('upstream-model');
    expect(sent.tools).toEqual([weather]);
    expect(sent.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(sent.parallel_tool_calls).toBe(false);
    expect(sent.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_0', content: 'snow' },
    ]);

    up.answer({ json: { id: 'up-3', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: '{"ok":true}' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } } });
    const j = await client('remote').chat.completions.create({ model: 'remote', messages: ask, response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } } });
    expect(JSON.parse(j.choices[0].message.content!)).toEqual({ ok: true });
    expect(up.bodies.at(-1)!.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } });
    await client('remote').chat.completions.create({ model: 'remote', messages: ask, response_format: { type: 'json_object' } });
    expect(up.bodies.at(-1)!.response_format).toEqual({ type: 'json_object' });
  });

  it('streams an upstream\'s fragmented calls to the client as OpenAI\'s deltas; the SDK assembles both', async () => {
    // Under the default policy a call's arguments are judged, so each call goes out whole once it passed.
    for (const [name, pieces] of [['remote', 4], ['unjudged', 5]] as const) {
      up.answer({ events: twoCalls });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const c of await client(name).chat.completions.create({ model: name, messages: ask, tools: [weather], stream: true, stream_options: { include_usage: true } })) chunks.push(c);
      const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
      // With nothing to judge, the upstream's five pieces are passed on as they come.
      expect(deltas, name).toHaveLength(pieces);
      expect(deltas.filter((d) => d.id).map((d) => [d.index, d.id, d.type, d.function?.name])).toEqual([[0, 'call_a', 'function', 'get_weather'], [1, 'call_b', 'function', 'get_weather']]);
      const args = (i: number) => deltas.filter((d) => d.index === i).map((d) => d.function?.arguments ?? '').join('');
      expect([args(0), args(1)]).toEqual(['{"city": "Paris"}', '{"city": "Rome"}']);
      expect(chunks.findLast((c) => c.choices.length)!.choices[0].finish_reason).toBe('tool_calls');
      expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 12 });

      up.answer({ events: twoCalls });
      const final = await client(name).chat.completions.stream({ model: name, messages: ask, tools: [weather] }).finalChatCompletion();
      expect(final.choices[0].message.tool_calls!.map((c) => [c.id, (c as OpenAI.ChatCompletionMessageFunctionToolCall).function.arguments])).toEqual([['call_a', '{"city": "Paris"}'], ['call_b', '{"city": "Rome"}']]);
    }
  });

  it('gives a call an id when the upstream sent none (some servers leave it out)', async () => {
    const noIds = twoCalls.map((e) => JSON.parse(JSON.stringify(e).replaceAll('"id":"call_a",', '').replaceAll('"id":"call_b",', '')));
    up.answer({ events: noIds });
    const final = await client('unjudged').chat.completions.stream({ model: 'unjudged', messages: ask, tools: [weather] }).finalChatCompletion();
    const ids = final.choices[0].message.tool_calls!.map((c) => c.id);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(new Set(ids).size).toBe(2);
  });
});

describe('safety on a tool call\'s arguments', () => {
  it('a call whose arguments the policy filters is withheld: content_filter, no tool_calls, plain and streamed', async () => {
    up.answer(callAnswer('{"city":"Bluebird"}'));
    const r = await client('guarded').chat.completions.create({ model: 'guarded', messages: ask, tools: [weather] });
    expect(r.choices[0].finish_reason).toBe('content_filter');
    expect(r.choices[0].message.tool_calls).toBeUndefined();
    expect(JSON.stringify(r)).not.toContain('Bluebird');
    expect((r.choices[0] as any).content_filter_results.custom_blocklists).toMatchObject({ filtered: true });

    up.answer({ events: twoCalls.map((e) => JSON.parse(JSON.stringify(e).replace('Rome', 'Bluebird'))) });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of await client('guarded').chat.completions.create({ model: 'guarded', messages: ask, tools: [weather], stream: true })) chunks.push(c);
    expect(chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])).toEqual([]);
    expect(JSON.stringify(chunks)).not.toContain('Bluebird');
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('content_filter');

    // The same calls with harmless arguments pass.
    up.answer({ events: twoCalls });
    const passed: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of await client('guarded').chat.completions.create({ model: 'guarded', messages: ask, tools: [weather], stream: true })) passed.push(c);
    // Judged calls go out whole once they passed: each as its opening delta and its arguments.
    const judged = passed.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(judged).toHaveLength(4);
    expect(judged.filter((d) => d.id)).toHaveLength(2);
    expect(passed.at(-1)!.choices[0].finish_reason).toBe('tool_calls');
  });
});
