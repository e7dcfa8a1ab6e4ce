/**
 * The llm node's tools backed by an http connection, run through the real engine (validation,
 * compile, executor) against a real HTTP server on 127.0.0.1: the model's arguments are the request,
 * the response text is the tool's answer, and what goes wrong (an error status, a timeout, a refused
 * address, an answer too large) is told to the model, never the connection's secrets. The model is
 * the scripted double (test/helpers/nodes/scripted-model.ts).
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileFlow } from '../engine/flow/compile.ts';
import { validateFlow } from '../engine/flow/validate.ts';
import type { Connection, LogLevel } from '../engine/node-definition.ts';
import { NodeRegistry } from '../engine/registry.ts';
import { runFlow } from '../engine/run/executor.ts';
import { lastToolMessage, scriptedModel, type Double } from '../test/helpers/nodes/scripted-model.ts';
import { pumpForever, sendJson, startServer, type TestServer } from '../test/helpers/nodes/test-server.ts';
import { builtinNodes } from './index.ts';
import { llmNode } from './llm.ts';

const registry = new NodeRegistry(builtinNodes);
const SECRET = 'sk-weather-0123456789';

let server: TestServer;
const huge = { sent: 0, closed: false };
let hanging: ServerResponse[] = [];


beforeAll(async () => {
  server = await startServer((req, res, body) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/api/forecast') return sendJson(res, 200, { city: (body ? JSON.parse(body) : Object.fromEntries(u.searchParams)).city, temp: 21 });
    if (u.pathname === '/api/echo') return sendJson(res, 200, { method: req.method, query: Object.fromEntries(u.searchParams), body: body || null });
    // A careless upstream that echoes the request's credential in its error page.
    if (u.pathname === '/api/broken') return void res.writeHead(500, { 'content-type': 'text/plain' }).end(`upstream failed for ${req.headers.authorization}`);
    if (u.pathname === '/api/whoami') return sendJson(res, 200, { you: req.headers.authorization });
    if (u.pathname === '/api/huge') return pumpForever(res, huge, 'text/plain');
    if (u.pathname === '/api/hang') return void hanging.push(res);
    res.writeHead(404).end('no such path');
  });
});

afterAll(async () => {
  for (const r of hanging) r.destroy();
  await server.close();
});

beforeEach(() => {
  server.requests.length = 0;
});

const CITY = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

function connection(settings: Record<string, unknown> = {}): Omit<Connection, 'name'> {
  return { type: 'custom', settings: { base_url: `${server.url}/api`, allow_private_network: true, headers: { 'X-Org': 'weir-tests' }, ...settings }, secrets: { api_key: SECRET } };
}

function agentFlow(tool: Record<string, unknown>, node: Record<string, unknown> = {}) {
  return {
    weir: 1,
    name: 'agent',
    inputs: { question: { type: 'string' } },
    outputs: { answer: '${ask.output}' },
    nodes: [{ name: 'ask', type: 'llm', inputs: { question: '${inputs.question}' }, config: { deployment: 'chat', template: 'user:\n{{ question }}', tools: [{ name: 'weather', description: 'Weather for a city.', connection: 'weather', parameters: CITY, ...tool }] }, ...node }],
  };
}

/** Calls the tool once with `args`, then answers with what the tool said. */
const callOnceThenRepeat = (args: string): Double => scriptedModel((messages) => {
  const tool = lastToolMessage(messages);
  return tool ? { text: `tool said: ${tool.content}` } : { calls: [{ name: 'weather', arguments: args }] };
});

async function runAgent(double: Double, tool: Record<string, unknown>, opts: { conn?: Omit<Connection, 'name'>; node?: Record<string, unknown> } = {}) {
  const logs: { node: string; level: LogLevel; message: string; data?: unknown }[] = [];
  const conns: Record<string, Omit<Connection, 'name'>> = { weather: opts.conn ?? connection() };
  const host = {
    model: async () => double.model,
    log: (e: (typeof logs)[number]) => void logs.push(e),
    connection: async (name: string) => ({ name, ...conns[name] }),
  };
  const result = await runFlow(compileFlow(agentFlow(tool, opts.node), { registry }), { question: 'Weather in Paris?' }, { host });
  const toolAnswer = double.requests.length > 1 ? lastToolMessage(double.requests[1].messages)?.content : undefined;
  return { result, logs, toolAnswer };
}

const errorOf = (content: string | undefined) => (JSON.parse(content ?? 'null') as { error: { code: string; message: string } }).error;

describe('llm node: http connection tools', () => {
  it('POSTs the arguments as JSON to base_url + path with the connection\'s headers and credential; the response text is the answer', async () => {
    const double = callOnceThenRepeat('{"city": "Paris"}');
    const { result, logs, toolAnswer } = await runAgent(double, { path: 'forecast' });
    expect(result.error).toBeUndefined();
    expect(toolAnswer).toBe('{"city":"Paris","temp":21}');
    expect(result.outputs).toEqual({ answer: 'tool said: {"city":"Paris","temp":21}' });
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0];
    expect(req).toMatchObject({ method: 'POST', path: '/api/forecast', body: '{"city":"Paris"}' });
    expect(req.headers).toMatchObject({ 'content-type': 'application/json', authorization: `Bearer ${SECRET}`, 'x-org': 'weir-tests' });
    // The model is told the configured parameters.
    expect(double.requests[0].opts.tools).toEqual([{ name: 'weather', description: 'Weather for a city.', parameters: CITY }]);
    expect(logs.find((l) => l.message === 'llm round 1: tool weather answered')?.data).toMatchObject({ ok: true, result: '{"city":"Paris","temp":21}' });
    expect(JSON.stringify(logs)).not.toContain(SECRET);
  });

  it('GET sends the arguments as the query (non-strings as JSON), with no body; no path calls base_url as written', async () => {
    const double = scriptedModel((messages) => (lastToolMessage(messages) ? { text: 'ok' } : { calls: [{ name: 'weather', arguments: '{"city": "São Paulo", "days": 2, "tags": ["a"]}' }] }));
    const tool = { method: 'GET', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' }, tags: { type: 'array' } } } };
    const { result, toolAnswer } = await runAgent(double, tool, { conn: connection({ base_url: `${server.url}/api/echo` }) });
    expect(result.error).toBeUndefined();
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/api/echo?city=S%C3%A3o+Paulo&days=2&tags=%5B%22a%22%5D', body: '' });
    expect(JSON.parse(toolAnswer!)).toEqual({ method: 'GET', query: { city: 'São Paulo', days: '2', tags: '["a"]' }, body: null });
  });

  it('an error status goes back to the model as a failed answer, logged as a warning, with the secret the server echoed hidden', async () => {
    const double = callOnceThenRepeat('{"city": "Paris"}');
    const { result, logs, toolAnswer } = await runAgent(double, { path: 'broken' });
    expect(result.error).toBeUndefined();
    const err = errorOf(toolAnswer);
    expect(err.code).toBe('http_status');
    expect(err.message).toContain('HTTP 500');
    expect(err.message).toContain('upstream failed for [secret]');
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual(['llm round 1: tool weather failed']);
    expect(JSON.stringify({ logs, result, requests: double.requests })).not.toContain(SECRET);
  });

  it('a secret the server echoes in a good answer is hidden from the model and the log too', async () => {
    const double = callOnceThenRepeat('{"city": "Paris"}');
    const { result, logs, toolAnswer } = await runAgent(double, { path: 'whoami' });
    expect(result.error).toBeUndefined();
    expect(toolAnswer).toBe('{"you":"[secret]"}');
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(JSON.stringify({ logs, result, requests: double.requests })).not.toContain(SECRET);
  });

  it('a connection without allow_private_network is refused for loopback: told to the model, nothing sent', async () => {
    const double = callOnceThenRepeat('{"city": "Paris"}');
    const { result, toolAnswer } = await runAgent(double, { path: 'forecast' }, { conn: connection({ allow_private_network: false }) });
    expect(result.error).toBeUndefined();
    expect(errorOf(toolAnswer)).toMatchObject({ code: 'http_target_forbidden', message: expect.stringContaining('127.0.0.1') });
    expect(server.requests).toHaveLength(0);
  });

  it('a response past the cap (1 MiB by default) is a failed answer, and the rest is not read', async () => {
    huge.sent = 0;
    huge.closed = false;
    const double = callOnceThenRepeat('{"city": "Paris"}');
    const { result, toolAnswer } = await runAgent(double, { path: 'huge' });
    expect(result.error).toBeUndefined();
    expect(errorOf(toolAnswer)).toMatchObject({ code: 'http_response_too_large', message: expect.stringContaining('(1048576)') });
    await expect.poll(() => huge.closed).toBe(true);
    expect(huge.sent).toBeLessThan(32 * 1024 ** 2);
  });

  it('a server that never answers: past the tool\'s timeout_ms the model is told; past the node\'s timeout the node fails', async () => {
    const timedOut = await runAgent(callOnceThenRepeat('{"city": "Paris"}'), { path: 'hang', timeout_ms: 200 });
    expect(timedOut.result.error).toBeUndefined();
    expect(errorOf(timedOut.toolAnswer)).toMatchObject({ code: 'http_timeout' });

    const nodeTimeout = await runAgent(callOnceThenRepeat('{"city": "Paris"}'), { path: 'hang' }, { node: { timeout: '300ms' } });
    expect(nodeTimeout.result.status).toBe('failed');
    expect(nodeTimeout.result.error).toMatchObject({ code: 'node_timeout', node: 'ask' });
  });

  it('arguments that break the parameters schema are told to the model and never sent', async () => {
    const double = callOnceThenRepeat('{"town": "Paris"}');
    const { toolAnswer } = await runAgent(double, { path: 'forecast' });
    expect(errorOf(toolAnswer).code).toBe('invalid_arguments');
    expect(server.requests).toHaveLength(0);
  });

  it('a connection that cannot serve (no base_url) fails the node, naming the tool', async () => {
    const double = callOnceThenRepeat('{"city": "Paris"}');
    const { result } = await runAgent(double, { path: 'forecast' }, { conn: { type: 'custom', settings: {}, secrets: { api_key: SECRET } } });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'connection_invalid', path: ['config', 'tools', 0, 'connection'] });
    expect(result.error?.message).toContain('tool "weather" (tools.0)');
    expect(result.error?.message).toContain('no base_url');
    expect(JSON.stringify(result.error)).not.toContain(SECRET);
  });
});

describe('llm node: http connection tool config', () => {
  const issue = (tool: Record<string, unknown>) => llmNode.config.safeParse({ deployment: 'chat', template: 'x', tools: [{ name: 'w', ...tool }] }).error?.issues[0];

  it('wants exactly one of flow or connection, naming tools.<i>', () => {
    for (const tool of [{}, { flow: 'f', connection: 'c', parameters: CITY }]) {
      expect(issue(tool)).toMatchObject({ path: ['tools', 0], message: expect.stringContaining('tools.0 ("w"): give exactly one of flow') });
    }
  });

  it('a connection tool needs parameters; http fields go with connection only; path is a path', () => {
    expect(issue({ connection: 'c' })).toMatchObject({ path: ['tools', 0, 'parameters'], message: expect.stringContaining('needs parameters') });
    expect(issue({ flow: 'f', method: 'GET' })).toMatchObject({ path: ['tools', 0, 'method'], message: expect.stringContaining('goes with connection') });
    expect(issue({ connection: 'c', parameters: CITY, path: 'https://elsewhere.example/x' })?.path).toEqual(['tools', 0, 'path']);
    expect(issue({ connection: 'c', parameters: CITY, method: 'TRACE' })?.path).toEqual(['tools', 0, 'method']);
    expect(issue({ connection: 'c', parameters: CITY, path: 'v1/x', method: 'GET', timeout_ms: 1000, max_response_bytes: 10 })).toBeUndefined();
  });

  it('validation finds a tool connection that does not exist, at its path', () => {
    const r = validateFlow(agentFlow({ connection: 'nope' }), { registry, connections: new Set(['weather']) });
    expect(r.problems).toMatchObject([{ code: 'connection_not_found', node: 'ask', message: expect.stringContaining('tool "weather": connection "nope" does not exist') }]);
    expect(r.problems[0].path.slice(-3)).toEqual(['tools', 0, 'connection']);
  });
});
