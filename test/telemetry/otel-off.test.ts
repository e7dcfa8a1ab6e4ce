/**
 * OpenTelemetry off: with no OTLP endpoint in the environment a real server runs flows and /v1
 * calls without loading the SDK or exporting anything. (Its own file: the SDK-loaded flag is per
 * module graph, and the other telemetry test loads it.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NodeRegistry } from '../../engine/registry.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { telemetryLoaded } from '../../engine/telemetry/telemetry.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { ECHO_FLOW } from '../helpers/api.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

const ADMIN = 'otel-off-admin';
const OTEL_VARS = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_SDK_DISABLED', 'OTEL_TRACES_EXPORTER'];
const saved = Object.fromEntries(OTEL_VARS.map((k) => [k, process.env[k]]));
let server: RunningServer;
let receiver: OtlpReceiver;
let dir: string;

const call = async (method: string, url: string, body?: unknown, auth = ADMIN) => {
  const res = await fetch(server.url + url, {
    method,
    headers: { authorization: `Bearer ${auth}`, 'content-type': typeof body === 'string' ? 'application/yaml' : 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => undefined)) as any };
};

beforeAll(async () => {
  for (const k of OTEL_VARS) delete process.env[k];
  receiver = await startOtlpReceiver();
  dir = mkdtempSync(path.join(os.tmpdir(), 'weir-otel-off-'));
  server = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, dataDir: dir, adminToken: ADMIN, examplesDir: null });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await receiver?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
});

it('serves flows and /v1 without loading the SDK or exporting anything', async () => {
  expect(server.workspace.telemetry).toBeUndefined();
  expect((await call('POST', '/api/flows', ECHO_FLOW)).status).toBe(201);
  expect((await call('POST', '/api/flows/echo/publish', {})).status).toBeLessThan(300);
  expect((await call('POST', '/api/deployments', { name: 'echo', flow: 'echo' })).status).toBe(201);
  expect((await call('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' })).status).toBe(201);
  const echoKey = (await call('POST', '/api/deployments/echo/keys', {})).json.key;
  const chatKey = (await call('POST', '/api/deployments/chat/keys', {})).json.key;
  await server.workspace.models.get('chat');
  expect((await call('POST', '/deployments/echo/score', { text: 'hi' }, echoKey)).json).toEqual({ said: 'hi' });
  const chat = await call('POST', '/v1/chat/completions', { model: 'chat', messages: [{ role: 'system', content: 'Vienna lies on the Danube.' }, { role: 'user', content: 'Where is Vienna?' }] }, chatKey);
  expect(chat.status).toBe(200);
  expect(telemetryLoaded()).toBe(false);
  expect(receiver.requests).toEqual([]);
});
