/**
 * The llm node's tool loop and JSON output on a real local model: the tiny random-weight GGUF of
 * test/helpers/tiny-gguf.ts, whose weights never write JSON on their own. A required tool call is the
 * grammar's doing, so the loop runs for real: the model calls the sub-flow tool, the node runs it and
 * feeds the result back, and the next round (tool_choice back to auto) answers in text. The same
 * with an http connection tool (a real server on 127.0.0.1), and a prompt flow template's
 * function:/tool: role lines make messages the runtime takes (each tool answer pairs with a call).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFlow } from '../engine/flow/compile.ts';
import { llamaCppProvider } from '../engine/models/providers/llama-cpp.ts';
import { defaultThreads } from '../engine/models/threads.ts';
import type { ChatMessage, GenerateOptions, LoadedModel } from '../engine/models/types.ts';
import type { Connection, LogLevel } from '../engine/node-definition.ts';
import { NodeRegistry } from '../engine/registry.ts';
import { runFlow } from '../engine/run/executor.ts';
import { withSubflows } from '../engine/run/subflows.ts';
import { sendJson, startServer, type TestServer } from '../test/helpers/nodes/test-server.ts';
import { writeTinyLlamaGguf } from '../test/helpers/tiny-gguf.ts';
import { builtinNodes } from './index.ts';

const registry = new NodeRegistry(builtinNodes);
let dir: string;
let model: LoadedModel;
const seen: { messages: ChatMessage[]; opts: GenerateOptions }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-llm-tools-gguf-'));
  const gguf = await writeTinyLlamaGguf(join(dir, 'tiny.gguf'), { seed: 11, contextLength: 2048 });
  const loaded = await llamaCppProvider.load(
    { id: 'tiny', name: 'tiny', publisher: 'weir-tests', task: 'chat-completion', provider: 'llama-cpp', format: 'gguf', license: 'apache-2.0', parameters: null, contextLength: 2048, fileSizeBytes: null, source: { kind: 'local', path: gguf.file }, price: null, description: 'random weights, for tests', labels: [] },
    { threads: defaultThreads() },
  );
  // The real model, with what each round sends it recorded.
  model = { ...loaded, contextLength: loaded.contextLength, tokenize: loaded.tokenize.bind(loaded), dispose: loaded.dispose.bind(loaded), chat: (messages, opts) => (seen.push({ messages: structuredClone(messages), opts: { ...opts, signal: undefined } }), loaded.chat!(messages, opts)) };
}, 60_000);

afterAll(async () => {
  await model?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const LOOKUP = {
  weir: 1,
  name: 'lookup',
  inputs: { city: { type: 'string' } },
  outputs: { found: '${t.output}' },
  nodes: [{ name: 't', type: 'transform', inputs: { city: '${inputs.city}' }, config: { expression: '"looked up " & $string(city)' } }],
};

/** A real HTTP server for the connection tool: answers with what it was sent. */
let api: TestServer;
const connections: Record<string, Connection> = {};

beforeAll(async () => {
  api = await startServer((_req, res, body) => sendJson(res, 200, { weather: 'sunny', asked: JSON.parse(body || '{}') }));
  connections.weather = { name: 'weather', type: 'custom', settings: { base_url: `${api.url}/forecast`, allow_private_network: true }, secrets: { api_key: 'sk-gguf-test-key' } };
});

afterAll(async () => {
  await api?.close();
});

async function run(llm: Record<string, unknown>) {
  const agent = {
    weir: 1,
    name: 'agent',
    inputs: { question: { type: 'string' } },
    outputs: { answer: '${ask.output}' },
    nodes: [{ name: 'ask', type: 'llm', inputs: { question: '${inputs.question}' }, config: { deployment: 'tiny', template: 'user:\n{{ question }}', temperature: 0, seed: 3, ...llm } }],
  };
  const flows: Record<string, unknown> = { lookup: LOOKUP, agent };
  const env = { registry, resolveFlow: (name: string) => flows[name] };
  const logs: { level: LogLevel; message: string }[] = [];
  const host = withSubflows({ model: async () => model, log: (e) => void logs.push(e), connection: async (name: string) => connections[name] }, (name) => compileFlow(flows[name], env));
  seen.length = 0;
  return { result: await runFlow(compileFlow(agent, env), { question: 'where is Vienna' }, { host }), logs };
}

describe('the llm node on a local GGUF', () => {
  it('calls a sub-flow tool the model is required to call, feeds its answer back, and ends with text', async () => {
    const tool = { name: 'lookup', description: 'Looks a city up.', flow: 'lookup', parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 12 } }, required: ['city'] } };
    const { result, logs } = await run({ tools: [tool], tool_choice: 'required', max_tool_rounds: 3, max_tokens: 80 });
    expect(result.status, JSON.stringify(result.error)).toBe('succeeded');
    expect(seen.length).toBe(2);
    expect(seen[0].opts.toolChoice).toBe('required');
    const call = seen[1].messages.find((m) => m.role === 'assistant')?.tool_calls?.[0];
    expect(call?.name).toBe('lookup');
    expect(typeof JSON.parse(call!.arguments).city).toBe('string');
    const answer = seen[1].messages.find((m) => m.role === 'tool');
    expect(answer?.tool_call_id).toBe(call?.id);
    expect(answer?.content).toContain('looked up ');
    expect(typeof result.outputs.answer).toBe('string');
    expect(logs.map((l) => l.message).join('\n')).toMatch(/lookup/);
  }, 120_000);

  it('fails naming max_tokens when a required call is cut short, instead of answering with half a call', async () => {
    const tool = { name: 'lookup', flow: 'lookup', parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 12 } }, required: ['city'] } };
    const { result } = await run({ tools: [tool], tool_choice: 'required', max_tokens: 6 });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('tool_call_missing');
    expect(result.error?.message).toContain('cut short by max_tokens');
  }, 120_000);

  it('outputs JSON that keeps to its response_format schema, parsed', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string', maxLength: 8 }, rank: { type: 'integer' } }, required: ['city', 'rank'], additionalProperties: false };
    const { result } = await run({ response_format: { type: 'json_schema', json_schema: { name: 'place', schema, strict: true } }, max_tokens: 60 });
    expect(result.status, JSON.stringify(result.error)).toBe('succeeded');
    const out = result.outputs.answer as { city: unknown; rank: unknown };
    expect(typeof out.city).toBe('string');
    expect(Number.isInteger(out.rank)).toBe(true);
  }, 120_000);

  it('calls an http connection tool: the arguments the grammar made are POSTed, the answer is fed back', async () => {
    const tool = { name: 'weather', connection: 'weather', parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 12 } }, required: ['city'] } };
    const { result } = await run({ tools: [tool], tool_choice: 'required', max_tool_rounds: 3, max_tokens: 80 });
    expect(result.status, JSON.stringify(result.error)).toBe('succeeded');
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]).toMatchObject({ method: 'POST', path: '/forecast' });
    expect(api.requests[0].headers.authorization).toBe('Bearer sk-gguf-test-key');
    const call = seen[1].messages.find((m) => m.role === 'assistant')?.tool_calls?.[0];
    expect(JSON.parse(api.requests[0].body)).toEqual(JSON.parse(call!.arguments));
    expect(JSON.parse(seen[1].messages.find((m) => m.role === 'tool')!.content)).toMatchObject({ weather: 'sunny' });
  }, 120_000);

  it("runs a prompt flow template with function: and tool: role lines: the runtime takes the messages they make", async () => {
    const template = [
      '# system:', 'Answer about the weather.',
      '# user:', 'Weather in Paris?',
      '# assistant:', 'Function generation requested, function = weather',
      '# function:', '## name:', 'weather', '## content:', 'sunny',
      '# assistant:', '## tool_calls:', "[{'id': 'call_7', 'type': 'function', 'function': {'name': 'weather', 'arguments': '{\"city\": \"Rome\"}'}}]",
      '# tool:', '## tool_call_id:', 'call_7', '## content:', 'rainy',
      '# user:', '{{ question }}',
    ].join('\n');
    const { result } = await run({ template, max_tokens: 8 });
    expect(result.status, JSON.stringify(result.error)).toBe('succeeded');
    expect(seen[0].messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'tool', 'user']);
    expect(seen[0].messages[2].tool_calls).toEqual([{ id: 'call_function_1', name: 'weather', arguments: '{}' }]);
  }, 120_000);
});
