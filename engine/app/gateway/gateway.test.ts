/**
 * The gateway's first steps on a real workspace and store: who calls, which deployment they may
 * reach (and what a refusal gives away), and a flow run's tokens charged to its key.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ECHO_FLOW, makeApi, type Api } from '../../../test/helpers/api.ts';
import type { Workspace } from '../workspace.ts';
import { ADMIN } from './gateway.ts';
import { RateLimitError } from './windows.ts';

let api: Api;
let ws: Workspace;
beforeEach(async () => {
  api = makeApi();
  ws = api.ws;
  await api.call('POST', '/api/flows', ECHO_FLOW);
  await api.call('POST', '/api/flows/echo/publish', { message: 'first' });
});
afterEach(async () => {
  vi.useRealTimers();
  await api.close();
});

const echoDeployment = (name: string) => ws.deployments.createFlow({ name, flow: 'echo', traceSampleRate: 1 });

describe('who calls and what they may reach', () => {
  it('the admin token, a valid key, or a 401 that says how to send one', async () => {
    await echoDeployment('prod');
    const { secret, row } = await ws.deployments.createKey('prod', 'app', { rpm: 5 });
    expect(await ws.gateway.authenticate(true, 'anything')).toBe(ADMIN);
    expect(await ws.gateway.authenticate(false, secret)).toEqual({ admin: false, key: { keyId: row.id, opens: ['prod'], expiresAt: null, rpm: 5, tpm: null } });
    for (const credential of [undefined, '', 'weir_wrong']) {
      await expect(ws.gateway.authenticate(false, credential)).rejects.toMatchObject({ code: 'unauthorized', status: 401, message: expect.stringContaining('Authorization: Bearer <key>') });
    }
  });

  it('a flow: another deployment, an unknown one and a model deployment all answer the same 401', async () => {
    await echoDeployment('prod');
    await echoDeployment('other');
    await ws.deployments.createModel({ name: 'chat', model: 'weir-extractive', options: {}, traceSampleRate: 1 });
    const who = await ws.gateway.authenticate(false, (await ws.deployments.createKey('prod', 'app')).secret);
    expect((await ws.gateway.flow(who, 'prod')).name).toBe('prod');
    const refusals = await Promise.all(['other', 'nowhere', 'chat'].map((n) => ws.gateway.flow(who, n).catch((e: unknown) => e)));
    for (const r of refusals) expect(r).toMatchObject({ code: 'unauthorized', status: 401 });
    // A key for all opens flows, never a model deployment by the flow route.
    const all = await ws.gateway.authenticate(false, (await ws.deployments.createSharedKey('ops', '*')).secret);
    expect((await ws.gateway.flow(all, 'other')).name).toBe('other');
    await expect(ws.gateway.flow(all, 'chat')).rejects.toMatchObject({ status: 401 });
    expect((await ws.gateway.deployment(all, 'chat')).kind).toBe('model');
  });

  it('a model: one the key does not open and one that does not exist get the same 404 in OpenAI\'s words, on the field asked', async () => {
    await echoDeployment('prod');
    await ws.deployments.createModel({ name: 'chat', model: 'weir-extractive', options: {}, traceSampleRate: 1 });
    const who = await ws.gateway.authenticate(false, (await ws.deployments.createKey('prod', 'app')).secret);
    for (const name of ['chat', 'nowhere', 'prod']) {
      await expect(ws.gateway.model(who, name, 'deployment')).rejects.toMatchObject({ code: 'model_not_found', status: 404, path: ['deployment'], message: `The model \`${name}\` does not exist or you do not have access to it.` });
    }
    expect((await ws.gateway.model(ADMIN, 'chat', 'model')).model).toBe('weir-extractive');
  });
});

describe('a flow run\'s tokens', () => {
  it('are charged to the calling key\'s window when the run ends, so its tpm holds for flows too', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2027, 0, 1, 12, 0, 10) });
    const d = await echoDeployment('prod');
    const { secret } = await ws.deployments.createKey('prod', 'app', { tpm: 1000 });
    const who = await ws.gateway.authenticate(false, secret);
    // A flow is admitted with no estimate; what it used is charged at its end.
    expect((await ws.gateway.admit(who, d, 0, 'r')).admission.windows).toEqual([{ kind: 'tokens', limit: 1000, remaining: 1000, resetMs: 50_000 }]);
    await ws.gateway.chargeRun(who.key!.keyId, { total_tokens: 999 });
    expect((await ws.gateway.admit(who, d, 0, 'r')).admission.windows[0].remaining).toBe(1);
    await ws.gateway.chargeRun(who.key!.keyId, { total_tokens: 1 });
    await expect(ws.gateway.admit(who, d, 0, 'r')).rejects.toBeInstanceOf(RateLimitError);
    // Nothing to charge without a key or tokens (the admin token, a run that used none).
    await ws.gateway.chargeRun(null, { total_tokens: 5 });
    await ws.gateway.chargeRun(who.key!.keyId, {});
    // A charge that opens a window keeps it to the window's end (not half of it).
    const early = await ws.gateway.authenticate(false, (await ws.deployments.createKey('prod', 'early', { tpm: 1000 })).secret);
    vi.setSystemTime(Date.UTC(2027, 0, 1, 12, 0, 1));
    await ws.gateway.chargeRun(early.key!.keyId, { total_tokens: 999 });
    vi.setSystemTime(Date.UTC(2027, 0, 1, 12, 0, 45));
    expect((await ws.gateway.admit(early, d, 0, 'r')).admission.windows[0].remaining).toBe(1);
    // The next minute starts whole.
    vi.setSystemTime(Date.UTC(2027, 0, 1, 12, 1, 0));
    expect((await ws.gateway.admit(who, d, 0, 'r')).admission.windows[0].remaining).toBe(1000);
  });
});
