import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { mountStudio } from '../../engine/api/studio.ts';
import { makeApi } from '../helpers/api.ts';

const api = makeApi();
afterAll(() => api.close());

describe('the studio at the server root', () => {
  it('serves the built page without a token and never caches it; hashed assets are cached for a year', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-studio-dist-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Weir studio</title>');
    writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    const app = new Hono();
    mountStudio(app, dir);
    const page = await app.request('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Weir studio');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const asset = await app.request('/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const missing = await app.request('/assets/missing.js');
    expect(missing.status).toBe(404);
    // A miss must not be cached for a year: the asset may exist after the next build.
    expect(missing.headers.get('cache-control') ?? '').not.toContain('immutable');
    writeFileSync(path.join(dir, 'favicon.svg'), '<svg/>');
    expect(await (await app.request('/favicon.svg')).text()).toBe('<svg/>');
    rmSync(dir, { recursive: true, force: true });
  });

  it('says the studio is being rebuilt while a build has removed its page, and serves it again after', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-studio-dist-'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Weir studio</title>');
    const app = new Hono();
    mountStudio(app, dir);
    rmSync(path.join(dir, 'index.html'));
    const during = await app.request('/');
    expect(during.status).toBe(503);
    expect(await during.text()).toContain('being rebuilt');
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Weir studio</title>');
    expect((await app.request('/')).status).toBe(200);
    rmSync(dir, { recursive: true, force: true });
  });

  it('says how to build it when it is not built', async () => {
    const app = new Hono();
    mountStudio(app, null);
    const res = await app.request('/');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });

  it('the real app serves the built studio at / (npm test builds it first)', async () => {
    const res = await api.app.request('/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
  });
});

describe('saving a draft as JSON (what the studio does)', () => {
  it('keeps the comments of the YAML it was written as', async () => {
    const yaml = '# how we greet\nweir: 1\nname: commented\nnodes:\n  # the greeting\n  - name: greet\n    type: prompt\n    config: { template: "Hi" }\n';
    expect((await api.call('POST', '/api/flows', yaml)).status).toBe(201);
    const def = (await api.call('GET', '/api/flows/commented')).json.definition;
    def.nodes[0].config.template = 'Hello';
    def.layout = { greet: [10, 20] };
    expect((await api.call('PUT', '/api/flows/commented', def)).status).toBe(200);
    const text = (await api.call('GET', '/api/flows/commented', undefined, { accept: 'application/yaml' })).text;
    expect(text).toContain('# how we greet');
    expect(text).toContain('# the greeting');
    expect(text).toContain('Hello');
    expect(text).not.toContain('"Hi"');
    // Saved again and again (the studio saves as you edit): each save goes into the last one's YAML.
    for (const template of ['Hey', 'Hey', 'Howdy']) {
      def.nodes[0].config.template = template;
      def.layout.greet[0] += 10;
      expect((await api.call('PUT', '/api/flows/commented', def)).status).toBe(200);
      const again = (await api.call('GET', '/api/flows/commented', undefined, { accept: 'application/yaml' })).text;
      expect(again).toContain('# how we greet');
      expect(again).toContain('# the greeting');
      expect((await api.call('GET', '/api/flows/commented')).json.definition).toEqual(def);
    }
  });
});

describe('two editors on one draft', () => {
  it('refuses a save made over a newer save (If-Match with the tag it loaded), and says what to do', async () => {
    expect((await api.call('POST', '/api/flows', 'weir: 1\nname: shared\nnodes: []\n')).status).toBe(201);
    const loaded = (await api.call('GET', '/api/flows/shared')).json;
    expect(loaded.etag).toMatch(/^".+"$/);
    const mine = { ...loaded.definition, description: 'tab one' };
    const theirs = { ...loaded.definition, description: 'tab two' };
    const first = await api.call('PUT', '/api/flows/shared', theirs, { 'if-match': loaded.etag });
    expect(first.status).toBe(200);
    expect(first.json.etag).not.toBe(loaded.etag);
    const late = await api.call('PUT', '/api/flows/shared', mine, { 'if-match': loaded.etag });
    expect(late.status).toBe(412);
    expect(late.json.error.code).toBe('draft_changed');
    expect(late.json.error.message).toContain('reload it');
    expect((await api.call('GET', '/api/flows/shared')).json.definition.description).toBe('tab two');
    // With the current tag, or without If-Match (overwrite on purpose), it saves.
    expect((await api.call('PUT', '/api/flows/shared', mine, { 'if-match': first.json.etag })).status).toBe(200);
    expect((await api.call('PUT', '/api/flows/shared', theirs)).status).toBe(200);
    expect((await api.call('PUT', '/api/flows/nobody', { weir: 1, name: 'nobody', nodes: [] }, { 'if-match': '*' })).status).toBe(412);
  });
});
