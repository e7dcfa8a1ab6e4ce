import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeApi, type Api } from '../helpers/api.ts';

let api: Api;
beforeEach(() => (api = makeApi()));
afterEach(() => api.close());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('connections API edges', () => {
  it('answers PUT with the full shape: 201 when created, 200 when replaced', async () => {
    const first = await api.call('PUT', '/api/connections/db.main', { type: 'postgres', settings: { host: 'h' }, secrets: { password: 'pw' } });
    expect(first.status).toBe(201);
    expect(first.json).toEqual({ name: 'db.main', type: 'postgres', settings: { host: 'h' }, secrets: ['password'], created_at: expect.stringMatching(ISO), updated_at: expect.stringMatching(ISO) });
    const again = await api.call('PUT', '/api/connections/db.main', { type: 'postgres', settings: { host: 'h2' } });
    expect(again.status).toBe(200);
    expect(again.json.settings).toEqual({ host: 'h2' });
  });

  it('defaults settings to an empty object', async () => {
    const r = await api.call('PUT', '/api/connections/bare', { type: 'http' });
    expect(r.status).toBe(201);
    expect(r.json.settings).toEqual({});
    expect(r.json.secrets).toEqual([]);
  });

  it('lists connections under data with the same shape, secrets by name only', async () => {
    await api.call('PUT', '/api/connections/a', { type: 'http', secrets: { token: 'tok-1' } });
    const list = await api.call('GET', '/api/connections');
    expect(list.status).toBe(200);
    expect(list.json.data).toHaveLength(1);
    expect(list.json.data[0]).toMatchObject({ name: 'a', type: 'http', settings: {}, secrets: ['token'] });
    expect(list.json.data[0].created_at).toMatch(ISO);
  });

  it('gets one connection, and a missing one is connection_not_found naming it', async () => {
    await api.call('PUT', '/api/connections/x1', { type: 'http', settings: { u: 1 } });
    const got = await api.call('GET', '/api/connections/x1');
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ name: 'x1', type: 'http', settings: { u: 1 } });
    const missing = await api.call('GET', '/api/connections/nope');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: 'connection_not_found', message: 'connection "nope" not found' });
  });

  it('refuses a PUT to a name that is not a valid connection name', async () => {
    for (const bad of ['1abc', '-x', 'a'.repeat(129), 'has%20space']) {
      const r = await api.call('PUT', `/api/connections/${bad}`, { type: 'http' });
      expect(r.status, bad).toBe(404);
      expect(r.json.error.code).toBe('connection_not_found');
    }
    expect((await api.call('PUT', '/api/connections/9x', { type: 'http' })).json.error.message).toBe('connection "9x" not found');
    expect((await api.call('PUT', `/api/connections/_${'a'.repeat(127)}`, { type: 'http' })).status).toBe(201);
    expect((await api.call('PUT', '/api/connections/a1.b-c_d', { type: 'http' })).status).toBe(201);
  });

  it('validates the body: type required, 1..64 characters, no unknown fields, secrets strings or null', async () => {
    const bad = [
      {},
      { type: '' },
      { type: 't'.repeat(65) },
      { type: 'http', extra: 1 },
      { type: 'http', secrets: { k: 5 } },
      { type: 'http', secrets: { ['k'.repeat(129)]: 'v' } },
      { type: 'http', secrets: { k: 'v'.repeat(16_385) } },
    ];
    for (const body of bad) {
      const r = await api.call('PUT', '/api/connections/c', body);
      expect(r.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(r.json.error.code).toBe('invalid_request');
    }
    expect((await api.call('PUT', '/api/connections/c', { type: 't'.repeat(64), secrets: { ['k'.repeat(128)]: 'v'.repeat(16_384) } })).status).toBe(201);
    expect((await api.call('PUT', '/api/connections/d', { type: 'http', secrets: { gone: null } })).status).toBe(201);
  });

  it('deleting a missing connection is a 404 naming it', async () => {
    const r = await api.call('DELETE', '/api/connections/ghost');
    expect(r.status).toBe(404);
    expect(r.json.error).toMatchObject({ code: 'connection_not_found', message: 'connection "ghost" not found' });
  });
});
