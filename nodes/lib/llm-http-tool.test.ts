/**
 * What an http tool's failures carry to the llm node's loop and to whoever runs the flow: a
 * connection lookup's own status, a cancelled run's own error (never re-wrapped as a tool failure),
 * and a timeout's retryable flag and status. Real HTTP on a loopback server.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WeirError } from '../../engine/errors.ts';
import { makeContext } from '../../test/helpers/nodes/test-context.ts';
import { startServer, type TestServer } from '../../test/helpers/nodes/test-server.ts';
import { callHttpTool, HTTP_TOOL_DEFAULTS, httpToolTarget, type HttpToolConfig } from './llm-http-tool.ts';

let server: TestServer;
const hanging: ServerResponse[] = [];

beforeAll(async () => {
  server = await startServer((_req, res) => void hanging.push(res));
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  await server.close();
});

const tool = (over: Partial<HttpToolConfig> = {}): HttpToolConfig => ({ name: 'weather', connection: 'weather', ...HTTP_TOOL_DEFAULTS, ...over });
const connections = () => ({ weather: { type: 'custom', settings: { base_url: `${server.url}/api`, allow_private_network: true }, secrets: {} } });

describe('httpToolTarget', () => {
  it('a connection that is not there fails the node with the lookup\'s own code and status, naming the tool', async () => {
    const err = await httpToolTarget(makeContext({ connections: {} }), tool(), 2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WeirError);
    expect(err).toMatchObject({ code: 'connection_not_found', status: 404, path: ['config', 'tools', 2, 'connection'] });
    expect((err as Error).message).toMatch(/^tool "weather" \(tools\.2\): connection "weather" does not exist$/);
  });

  it('a run cancelled during the lookup ends with the lookup\'s own error, not a tool failure', async () => {
    const ctl = new AbortController();
    const ctx = makeContext({ signal: ctl.signal });
    const own = new WeirError('cancelled', 'the run was cancelled');
    ctx.connection = async () => {
      ctl.abort(own);
      throw own;
    };
    await expect(httpToolTarget(ctx, tool(), 0)).rejects.toBe(own);
  });
});

describe('callHttpTool', () => {
  it('a timeout keeps its code, retryable flag and 504', async () => {
    const ctx = makeContext({ connections: connections() });
    const target = await httpToolTarget(ctx, tool(), 0);
    const err = await callHttpTool(ctx, tool({ timeout_ms: 150 }), target, { city: 'Paris' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WeirError);
    expect(err).toMatchObject({ code: 'http_timeout', retryable: true, status: 504 });
  });

  it('a cancelled run ends with the cancellation itself, not a re-wrapped copy', async () => {
    const ctl = new AbortController();
    const ctx = makeContext({ connections: connections(), signal: ctl.signal });
    const target = await httpToolTarget(ctx, tool(), 0);
    const own = new WeirError('cancelled', 'the run was cancelled');
    const call = callHttpTool(ctx, tool(), target, { city: 'Paris' });
    await expect.poll(() => hanging.length).toBeGreaterThan(0);
    ctl.abort(own);
    await expect(call).rejects.toBe(own);
  });
});
