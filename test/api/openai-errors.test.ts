/**
 * The OpenAI-compatible routes in-process, over a real store and the real default models
 * (weir-extractive for chat, use-lite for embeddings): every refusal, auth, the Azure layout,
 * metering and model deployment states.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, deployed, makeApi, type Api } from '../helpers/api.ts';

let api: Api;
let chatKey: string;
let embedKey: string;
let flowKey: string;

const CONTEXT = 'Paris is the capital of France. Berlin is the capital of Germany. Cats are mammals.';
const messages = [{ role: 'system', content: CONTEXT }, { role: 'user', content: 'What is the capital of France?' }];

async function modelDeployment(name: string, model: string): Promise<string> {
  const d = await api.call('POST', '/api/deployments', { name, model });
  expect(d.status, d.text).toBe(201);
  return (await api.call('POST', `/api/deployments/${name}/keys`, {})).json.key;
}

const as = (key: string) => ({ authorization: `Bearer ${key}` });
const chat = (body: Record<string, unknown>, key = chatKey) => api.call('POST', '/v1/chat/completions', { model: 'chat', messages, ...body }, as(key));

beforeAll(async () => {
  api = makeApi();
  chatKey = await modelDeployment('chat', 'weir-extractive');
  embedKey = await modelDeployment('embed', 'use-lite');
  flowKey = (await deployed(api)).key;
  await api.ws.models.get('chat');
  await api.ws.models.get('embed');
});
afterAll(() => api.close());

describe('model deployments in the management API', () => {
  it('shows kind, model and state; refuses unknown models, remote models without a connection and mixed bodies', async () => {
    const d = (await api.call('GET', '/api/deployments/chat')).json;
    expect(d).toMatchObject({ name: 'chat', kind: 'model', model: 'weir-extractive', flow: null, state: 'ready', reason: null });
    expect(Date.parse(d.loaded_at)).toBeGreaterThan(0);
    const list = (await api.call('GET', '/api/deployments')).json.data;
    expect(list.map((x: { name: string; kind: string }) => `${x.name}:${x.kind}`).sort()).toEqual(['chat:model', 'echo-prod:flow', 'embed:model']);

    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ name: 'x', model: 'no-such-model' }, 404, 'model_not_found', 'model'],
      [{ name: 'x', model: 'gpt-4o-mini' }, 422, 'connection_required', 'connection'],
      [{ name: 'x', model: 'gpt-4o-mini', connection: 'nope' }, 404, 'connection_not_found', 'connection'],
      [{ name: 'x', model: 'weir-extractive', flow: 'echo' }, 400, 'invalid_request', 'model'],
      [{ name: 'x' }, 400, 'invalid_request', 'flow'],
      [{ name: 'x', model: 'weir-extractive', connection: 'c' }, 400, 'invalid_request', 'connection'],
      [{ name: 'x', model: 'weir-extractive', traffic: [{ version: 1, weight: 100 }] }, 400, 'invalid_request', 'traffic'],
      [{ name: 'x', flow: 'echo', context_size: 1024 }, 400, 'invalid_request', 'context_size'],
      [{ name: 'chat', model: 'weir-extractive' }, 409, 'deployment_exists', 'name'],
    ];
    for (const [body, status, code, param] of cases) {
      const r = await api.call('POST', '/api/deployments', body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.json.error).toMatchObject({ code, param });
    }
    expect((await api.call('GET', '/api/deployments/x')).status).toBe(404);
  });

  it('reports a model whose file is missing as failed with the reason, and answers its calls with 503', async () => {
    await api.store.models.put({
      id: 'gone-gguf', name: 'Gone', publisher: 'tests', task: 'chat-completion', provider: 'llama-cpp', format: 'gguf', license: 'MIT',
      parameters: null, contextLength: 2048, fileSizeBytes: null, source: { kind: 'local', path: '/nonexistent/weir/gone.gguf' }, price: null, description: '', labels: ['user'],
    });
    const created = await api.call('POST', '/api/deployments', { name: 'gone', model: 'gone-gguf' });
    expect(created.status).toBe(201);
    expect(created.json.state).toBe('loading');
    await expect(api.ws.models.get('gone')).rejects.toMatchObject({ code: 'model_not_ready', status: 503 });
    const d = (await api.call('GET', '/api/deployments/gone')).json;
    expect(d.state).toBe('failed');
    expect(d.reason).toContain('/nonexistent/weir/gone.gguf');
    const r = await api.call('POST', '/v1/chat/completions', { model: 'gone', messages }, as(ADMIN));
    expect(r.status).toBe(503);
    expect(r.json.error).toMatchObject({ code: 'model_not_ready', type: 'server_error' });
    expect(r.json.error.message).toContain('does not exist');
    expect((await api.call('DELETE', '/api/deployments/gone')).status).toBe(204);
    expect(await api.ws.models.state('gone')).toBeUndefined();
  });
});

describe('keys', () => {
  it('accepts its own deployment key (Bearer or api-key) and the admin token, with a request id', async () => {
    const viaBearer = await chat({});
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const viaApiKey = await api.call('POST', '/v1/chat/completions', { model: 'chat', messages }, { authorization: '', 'api-key': chatKey });
    expect(viaApiKey.json.choices[0].message.content).toBe(viaBearer.json.choices[0].message.content);
    expect((await chat({}, ADMIN)).status).toBe(200);
    const streamed = await chat({ stream: true }, chatKey);
    expect(streamed.headers.get('content-type')).toContain('text/event-stream');
    expect(streamed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 401 only for a bad key, and one identical 404 model_not_found to a valid key asking what it may not use', async () => {
    const bad = [
      await api.call('POST', '/v1/chat/completions', { model: 'chat', messages }, { authorization: '' }),
      await chat({}, 'weir_wrong'),
      await chat({ model: 'no-such-deployment' }, 'weir_wrong'),
    ];
    for (const r of bad) {
      expect(r.status).toBe(401);
      expect(r.json.error).toMatchObject({ code: 'unauthorized', type: 'authentication_error' });
      expect(r.headers.get('x-request-id')).toBeTruthy();
    }
    // Another model deployment, a flow deployment, one that does not exist: the same answer but for the name.
    const denied = [
      [await chat({}, embedKey), 'chat'],
      [await chat({}, flowKey), 'chat'],
      [await chat({ model: 'echo-prod' }, flowKey), 'echo-prod'],
      [await chat({ model: 'no-such-deployment' }, chatKey), 'no-such-deployment'],
    ] as const;
    for (const [r, name] of denied) {
      expect(r.status).toBe(404);
      expect(r.json.error).toMatchObject({ code: 'model_not_found', param: 'model', message: `The model \`${name}\` does not exist or you do not have access to it.` });
    }
    // The admin gets the same answer for what is not a model deployment.
    const admin = await chat({ model: 'no-such-deployment' }, ADMIN);
    expect(admin.status).toBe(404);
    expect(admin.text).toBe(denied[3][0].text);
    expect((await chat({ model: 'echo-prod' }, ADMIN)).status).toBe(404);
  });

  it('lists the deployments a key may use; the admin token sees every model deployment', async () => {
    const mine = await api.call('GET', '/v1/models', undefined, as(chatKey));
    expect(mine.json).toEqual({ object: 'list', data: [{ id: 'chat', object: 'model', created: expect.any(Number), owned_by: 'weir' }] });
    const all = await api.call('GET', '/v1/models', undefined, as(ADMIN));
    expect(all.json.data.map((m: { id: string }) => m.id).sort()).toEqual(['chat', 'embed']);
    expect((await api.call('GET', '/v1/models', undefined, as(flowKey))).json).toEqual({ object: 'list', data: [] });
    expect((await api.call('GET', '/v1/models', undefined, as('weir_wrong'))).status).toBe(401);
    expect((await api.call('GET', '/v1/models/chat', undefined, as(chatKey))).json.id).toBe('chat');
    expect((await api.call('GET', '/v1/models/embed', undefined, as(chatKey))).status).toBe(404);
  });

  it('takes the key away with the deployment', async () => {
    const key = await modelDeployment('short-lived', 'use-lite');
    const body = { model: 'short-lived', input: 'hello' };
    expect((await api.call('POST', '/v1/embeddings', body, as(key))).status).toBe(200);
    expect((await api.call('DELETE', '/api/deployments/short-lived')).status).toBe(204);
    expect((await api.call('POST', '/v1/embeddings', body, as(key))).status).toBe(401);
  });
});

describe('request validation', () => {
  const F = { type: 'function', function: { name: 'f' } };
  const CALL = { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } };
  const CHAT: [string, Record<string, unknown>, string, string][] = [
    ['tools', { tools: [{ type: 'function', function: { name: 'f' } }] }, 'unsupported_parameter', 'tools'],
    ['tool_choice required without tools', { tool_choice: 'required' }, 'invalid_request', 'tool_choice'],
    ['parallel_tool_calls without tools', { parallel_tool_calls: false }, 'invalid_request', 'parallel_tool_calls'],
    ['a tool named twice', { tools: [F, F] }, 'invalid_request', 'tools.1.function.name'],
    ['a function name with a space', { tools: [{ type: 'function', function: { name: 'get weather' } }] }, 'invalid_request', 'tools.0.function.name'],
    ['a tool of another type', { tools: [{ type: 'web_search' }] }, 'invalid_request', 'tools.0.type'],
    ['tool_choice naming no tool', { tools: [F], tool_choice: { type: 'function', function: { name: 'g' } } }, 'invalid_request', 'tool_choice.function.name'],
    ['tool_choice "sometimes"', { tools: [F], tool_choice: 'sometimes' }, 'invalid_request', 'tool_choice'],
    ['a schema without a name', { response_format: { type: 'json_schema', json_schema: { schema: {} } } }, 'invalid_request', 'response_format.json_schema.name'],
    ['response_format xml', { response_format: { type: 'xml' } }, 'invalid_request', 'response_format.type'],
    ['functions', { functions: [{ name: 'f' }] }, 'unsupported_parameter', 'functions'],
    ['logprobs', { logprobs: true }, 'unsupported_parameter', 'logprobs'],
    ['top_logprobs', { top_logprobs: 2 }, 'unsupported_parameter', 'top_logprobs'],
    ['json mode', { response_format: { type: 'json_object' } }, 'unsupported_parameter', 'response_format'],
    ['n > 1', { n: 2 }, 'unsupported_parameter', 'n'],
    ['frequency penalty', { frequency_penalty: 0.5 }, 'unsupported_parameter', 'frequency_penalty'],
    ['presence penalty', { presence_penalty: -1 }, 'unsupported_parameter', 'presence_penalty'],
    ['logit bias', { logit_bias: { 50256: -100 } }, 'unsupported_parameter', 'logit_bias'],
    ['an unknown field', { reasoning_effort: 'high' }, 'unsupported_parameter', 'reasoning_effort'],
    ['a tool message answering no call', { messages: [{ role: 'user', content: 'x' }, { role: 'tool', content: 'x', tool_call_id: 'a' }] }, 'invalid_request', 'messages.1.tool_call_id'],
    ['a tool message without its call id', { messages: [{ role: 'tool', content: 'x' }] }, 'invalid_request', 'messages.0.tool_call_id'],
    ['the legacy function role', { messages: [{ role: 'function', name: 'f', content: 'x' }] }, 'unsupported_parameter', 'messages.0.role'],
    ['tool_calls on a user message', { messages: [{ role: 'user', content: 'x', tool_calls: [CALL] }] }, 'invalid_request', 'messages.0.tool_calls'],
    ['tool_call_id on a user message', { messages: [{ role: 'user', content: 'x', tool_call_id: 'a' }] }, 'invalid_request', 'messages.0.tool_call_id'],
    ['a call\'s arguments as an object', { messages: [{ role: 'assistant', content: null, tool_calls: [{ ...CALL, function: { name: 'f', arguments: {} } }] }] }, 'invalid_request', 'messages.0.tool_calls.0.function.arguments'],
    ['a user message without content', { messages: [{ role: 'user', content: null }] }, 'invalid_request', 'messages.0.content'],
    ['a named message', { messages: [{ role: 'user', content: 'x', name: 'bob' }] }, 'unsupported_parameter', 'messages.0.name'],
    ['an image part', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://x' } }] }] }, 'unsupported_parameter', 'messages.0.content.0.type'],
    ['stream_options.x', { stream: true, stream_options: { include_usage: true, x: 1 } }, 'unsupported_parameter', 'stream_options.x'],
    ['empty messages', { messages: [] }, 'invalid_request', 'messages'],
    ['no messages', { messages: undefined }, 'invalid_request', 'messages'],
    ['no model', { model: undefined }, 'invalid_request', 'model'],
    ['five stops', { stop: ['a', 'b', 'c', 'd', 'e'] }, 'invalid_request', 'stop'],
    ['temperature 3', { temperature: 3 }, 'invalid_request', 'temperature'],
    ['max_tokens 0', { max_tokens: 0 }, 'invalid_request', 'max_tokens'],
    ['both budgets', { max_tokens: 5, max_completion_tokens: 6 }, 'invalid_request', 'max_completion_tokens'],
    ['stream_options without stream', { stream_options: { include_usage: true } }, 'invalid_request', 'stream_options'],
    ['content a number', { messages: [{ role: 'user', content: 7 }] }, 'invalid_request', 'messages.0.content'],
    ['max_tokens past the context', { max_tokens: 9000 }, 'context_length_exceeded', 'max_tokens'],
    ['messages past the context', { messages: Array.from({ length: 9 }, () => ({ role: 'user', content: 'word '.repeat(1000) })) }, 'context_length_exceeded', 'messages'],
  ];
  for (const [what, body, code, param] of CHAT) {
    it(`chat: ${what} → 400 ${code} (${param})`, async () => {
      const r = await chat(body);
      expect(r.status, r.text).toBe(400);
      expect(r.json.error).toMatchObject({ code, param, type: 'invalid_request_error', message: expect.any(String) });
    });
  }

  it('chat: accepts the "off" values of what it does not implement, nulls, text parts and developer messages', async () => {
    const plain = await chat({});
    const r = await chat({
      n: 1, frequency_penalty: 0, presence_penalty: 0, logprobs: false, response_format: { type: 'text' }, logit_bias: {}, store: false,
      tools: null, temperature: null, user: 'u-1', seed: 3, top_p: 1, max_completion_tokens: 200,
      messages: [{ role: 'developer', content: [{ type: 'text', text: CONTEXT }] }, { role: 'user', content: 'What is the capital of France?' }],
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json.choices[0].message.content).toBe(plain.json.choices[0].message.content);
  });

  it('chat: takes a tool-call history as clients send it (content null or empty, a named tool message, nullable tool fields)', async () => {
    const r = await chat({
      tools: [{ type: 'function', function: { name: 'f', description: null, parameters: null, strict: null } }],
      tool_choice: 'none',
      messages: [
        ...messages,
        { role: 'assistant', content: null, tool_calls: [CALL] },
        { role: 'tool', tool_call_id: 'call_1', name: 'f', content: [{ type: 'text', text: 'Vienna' }] },
        { role: 'assistant', content: '', tool_calls: [{ ...CALL, id: 'call_2' }], name: 'helper' },
        { role: 'tool', tool_call_id: 'call_2', content: 'Vienna again' },
        { role: 'user', content: 'Which city lies on the Danube?' },
      ],
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json.choices[0]).toMatchObject({ finish_reason: 'stop', message: { role: 'assistant', content: expect.any(String) } });
    expect(r.json.choices[0].message.tool_calls).toBeUndefined();
  });

  const COMPLETIONS: [string, Record<string, unknown>, string, string][] = [
    ['two prompts', { prompt: ['a', 'b'] }, 'unsupported_parameter', 'prompt'],
    ['token prompt', { prompt: [1, 2, 3] }, 'unsupported_parameter', 'prompt'],
    ['echo', { echo: true }, 'unsupported_parameter', 'echo'],
    ['suffix', { suffix: 'end' }, 'unsupported_parameter', 'suffix'],
    ['best_of', { best_of: 3 }, 'unsupported_parameter', 'best_of'],
    ['logprobs', { logprobs: 2 }, 'unsupported_parameter', 'logprobs'],
    ['no prompt', { prompt: undefined }, 'invalid_request', 'prompt'],
  ];
  for (const [what, body, code, param] of COMPLETIONS) {
    it(`completions: ${what} → 400 ${code} (${param})`, async () => {
      const r = await api.call('POST', '/v1/completions', { model: 'chat', prompt: `${CONTEXT}\nWhat is the capital of France?`, ...body }, as(chatKey));
      expect(r.status, r.text).toBe(400);
      expect(r.json.error).toMatchObject({ code, param });
    });
  }

  const EMBEDDINGS: [string, Record<string, unknown>, string, string][] = [
    ['token arrays', { input: [[1, 2], [3]] }, 'unsupported_parameter', 'input'],
    ['token array', { input: [1, 2, 3] }, 'unsupported_parameter', 'input'],
    ['other dimensions', { dimensions: 256 }, 'unsupported_parameter', 'dimensions'],
    ['int8', { encoding_format: 'int8' }, 'invalid_request', 'encoding_format'],
    ['empty input', { input: [] }, 'invalid_request', 'input'],
    ['an empty text', { input: ['a', ''] }, 'invalid_request', 'input.1'],
    ['an unknown field', { truncate: true }, 'unsupported_parameter', 'truncate'],
  ];
  for (const [what, body, code, param] of EMBEDDINGS) {
    it(`embeddings: ${what} → 400 ${code} (${param})`, async () => {
      const r = await api.call('POST', '/v1/embeddings', { model: 'embed', input: 'hello', ...body }, as(embedKey));
      expect(r.status, r.text).toBe(400);
      expect(r.json.error).toMatchObject({ code, param });
    });
  }

  it('refuses a task the deployed model does not do, and bodies that are not JSON objects', async () => {
    const r = await api.call('POST', '/v1/embeddings', { model: 'embed', input: 'x' }, as(embedKey));
    expect(r.json.data[0].embedding).toHaveLength(512);
    const wrongTask = await api.call('POST', '/v1/chat/completions', { model: 'embed', messages }, as(embedKey));
    expect(wrongTask.status).toBe(400);
    expect(wrongTask.json.error).toMatchObject({ code: 'model_not_supported', param: 'model' });
    for (const body of ['[1]', 'null', '{"model":', '']) {
      const bad = await api.call('POST', '/v1/chat/completions', body, { ...as(chatKey), 'content-type': 'application/json' });
      expect(bad.status, body).toBe(400);
      expect(bad.json.error.code).toMatch(/^invalid_(request|json)$/);
    }
  });
});

describe('Azure-style routes', () => {
  const azure = (path: string, body: unknown, key: string, version: string | null = '2024-10-21') =>
    api.call('POST', `/openai/deployments/${path}${version ? `?api-version=${version}` : ''}`, body, { authorization: '', 'api-key': key });

  it('serve chat, completions and embeddings under the deployment name, with api-key', async () => {
    const r = await azure('chat/chat/completions', { messages }, chatKey);
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ object: 'chat.completion', model: 'chat' });
    expect((await azure('chat/completions', { prompt: `${CONTEXT}\nWhat is the capital of France?` }, chatKey)).json.object).toBe('text_completion');
    expect((await azure('embed/embeddings', { input: ['a', 'b'] }, embedKey)).json.data).toHaveLength(2);
  });

  it('require api-version, and the deployment\'s own key (another\'s valid key: 404 as OpenAI; a bad key: 401)', async () => {
    const missing = await azure('chat/chat/completions', { messages }, chatKey, null);
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatchObject({ code: 'invalid_request', param: 'api-version' });
    expect(missing.json.error.message).toContain('api-version');
    expect((await azure('chat/chat/completions', { messages }, embedKey)).json.error).toMatchObject({ code: 'model_not_found', param: 'deployment' });
    expect((await azure('nope/chat/completions', { messages }, chatKey)).status).toBe(404);
    expect((await azure('chat/chat/completions', { messages }, 'weir_wrong')).status).toBe(401);
    const unsupported = await azure('chat/chat/completions', { messages, n: 3 }, chatKey);
    expect(unsupported.json.error).toMatchObject({ code: 'unsupported_parameter', param: 'n' });
  });
});

describe('metering and the playground', () => {
  it('meters every call under its deployment and key, with the tokens of the answer', async () => {
    await api.ws.runs.usage.flush();
    const before = (await api.store.usage.list('chat')).reduce((s, r) => s + r.requests, 0);
    const r = await chat({});
    const keyId = (await api.call('GET', '/api/deployments/chat/keys')).json.data[0].id;
    await api.ws.runs.usage.flush();
    const rows = (await api.store.usage.list('chat'));
    expect(rows.reduce((s, x) => s + x.requests, 0)).toBe(before + 1);
    const last = rows.find((x) => x.keyId === keyId)!;
    expect(last.promptTokens).toBeGreaterThanOrEqual(r.json.usage.prompt_tokens);
    expect(last.completionTokens).toBeGreaterThanOrEqual(r.json.usage.completion_tokens);
  });

  it('runs a playground chat as the admin, same answer as /v1, metered with no key', async () => {
    const v1 = await chat({});
    const p = await api.call('POST', '/api/playground/chat', { deployment: 'chat', messages, max_tokens: 200, temperature: 0 });
    expect(p.status, p.text).toBe(200);
    expect(p.json).toMatchObject({ object: 'chat.completion', model: 'chat', usage: v1.json.usage });
    expect(p.json.choices[0].message.content).toBe(v1.json.choices[0].message.content);
    await api.ws.runs.usage.flush();
    expect((await api.store.usage.list('chat')).some((x) => x.keyId === null && x.requests >= 1)).toBe(true);
    const streamed = await api.call('POST', '/api/playground/chat', { deployment: 'chat', messages, stream: true });
    expect(streamed.headers.get('content-type')).toContain('text/event-stream');
    expect(streamed.text.trim().endsWith('data: [DONE]')).toBe(true);
    expect((await api.call('POST', '/api/playground/chat', { deployment: 'chat', messages }, as(chatKey))).status).toBe(401);
    expect((await api.call('POST', '/api/playground/chat', { deployment: 'echo-prod', messages })).json.error.code).toBe('not_a_model_deployment');
    expect((await api.call('POST', '/api/playground/chat', { deployment: 'nope', messages })).status).toBe(404);
    expect((await api.call('POST', '/api/playground/chat', { messages })).json.error.param).toBe('deployment');
  });
});
