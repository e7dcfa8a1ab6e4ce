/**
 * Cases the mutation run of nodes/lib/llm-http-tool.ts found untested (test/mutation/llm-inputs.md):
 * DELETE's query, the headers each method sends, a 299 answer, which credential values are hidden
 * (the shortest hidden length, at its edge), and a connection lookup that fails with its own code.
 * Real HTTP on a loopback server; the model is the scripted double at the model edge.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WeirError } from '../engine/errors.ts';
import { compileFlow } from '../engine/flow/compile.ts';
import type { Connection } from '../engine/node-definition.ts';
import { NodeRegistry } from '../engine/registry.ts';
import { runFlow } from '../engine/run/executor.ts';
import { lastToolMessage, scriptedModel } from '../test/helpers/nodes/scripted-model.ts';
import { sendJson, startServer, type TestServer } from '../test/helpers/nodes/test-server.ts';
import { builtinNodes } from './index.ts';

const registry = new NodeRegistry(builtinNodes);
const ACCEPT = 'application/json, text/plain;q=0.9, */*;q=0.1';

let server: TestServer;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/api/odd') return void res.writeHead(299, { 'content-type': 'text/plain' }).end('odd but fine');
    // Echoes the bare key, without "Bearer ".
    if (u.pathname === '/api/key') return void res.writeHead(200, { 'content-type': 'text/plain' }).end(`key ${(req.headers.authorization ?? '').slice('Bearer '.length)}`);
    sendJson(res, 200, { ok: true });
  });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.requests.length = 0;
});

const conn = (key = 'sk-weather-0123456789'): Omit<Connection, 'name'> => ({ type: 'custom', settings: { base_url: `${server.url}/api`, allow_private_network: true }, secrets: { api_key: key } });

async function runAgent(tool: Record<string, unknown>, connection: (name: string) => Promise<Connection>) {
  const double = scriptedModel((messages) => (lastToolMessage(messages) ? { text: 'done' } : { calls: [{ name: 'weather', arguments: '{"city": "Paris"}' }] }));
  const flow = {
    weir: 1,
    name: 'agent',
    inputs: { question: { type: 'string' } },
    outputs: { answer: '${ask.output}' },
    nodes: [{ name: 'ask', type: 'llm', inputs: { question: '${inputs.question}' }, config: { deployment: 'chat', template: 'user:\n{{ question }}', tools: [{ name: 'weather', connection: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, ...tool }] } }],
  };
  const result = await runFlow(compileFlow(flow, { registry }), { question: 'Weather?' }, { host: { model: async () => double.model, connection } });
  const toolAnswer = double.requests.length > 1 ? lastToolMessage(double.requests[1].messages)?.content : undefined;
  return { result, toolAnswer };
}
const serve = (c: Omit<Connection, 'name'>) => async (name: string) => ({ name, ...c });

describe('llm node http tools: what is sent', () => {
  it('DELETE sends the arguments as the query, with no body and no content-type', async () => {
    const { result } = await runAgent({ method: 'DELETE', path: 'items' }, serve(conn()));
    expect(result.error).toBeUndefined();
    expect(server.requests[0]).toMatchObject({ method: 'DELETE', path: '/api/items?city=Paris', body: '' });
    expect(server.requests[0].headers.accept).toBe(ACCEPT);
    expect(server.requests[0].headers['content-type']).toBeUndefined();
  });

  it('GET asks for JSON or text; POST says it sends JSON and asks the same', async () => {
    await runAgent({ method: 'GET', path: 'items' }, serve(conn()));
    expect(server.requests[0].headers.accept).toBe(ACCEPT);
    server.requests.length = 0;
    await runAgent({ path: 'items' }, serve(conn()));
    expect(server.requests[0]).toMatchObject({ method: 'POST', body: '{"city":"Paris"}' });
    expect(server.requests[0].headers).toMatchObject({ accept: ACCEPT, 'content-type': 'application/json' });
  });

  it('any 2xx is an answer, 299 included', async () => {
    const { result, toolAnswer } = await runAgent({ path: 'odd' }, serve(conn()));
    expect(result.error).toBeUndefined();
    expect(toolAnswer).toBe('odd but fine');
  });
});

describe('llm node http tools: which credential values are hidden from the model', () => {
  it('a key of 6 characters or more is hidden where the server echoes it; a shorter one is left (too likely an ordinary word)', async () => {
    expect((await runAgent({ path: 'key' }, serve(conn('abcdef')))).toolAnswer).toBe('key [secret]');
    expect((await runAgent({ path: 'key' }, serve(conn('abcde')))).toolAnswer).toBe('key abcde');
  });
});

describe('llm node http tools: a connection that cannot be had fails the node, naming the tool', () => {
  it('keeps the code of the lookup\'s own error', async () => {
    const { result } = await runAgent({ path: 'items' }, async () => {
      throw new WeirError('connection_not_found', 'no connection "weather"', { status: 404 });
    });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'connection_not_found', message: 'tool "weather" (tools.0): no connection "weather"', path: ['config', 'tools', 0, 'connection'] });
  });

  it('an error without a code is connection_invalid', async () => {
    const { result } = await runAgent({ path: 'items' }, async () => {
      throw new Error('vault unreachable');
    });
    expect(result.error).toMatchObject({ code: 'connection_invalid', message: 'tool "weather" (tools.0): vault unreachable' });
  });
});
