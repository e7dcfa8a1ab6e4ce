/**
 * A real Weir server on a loopback port for client tests (the OpenAI SDK, LangChain): admin calls,
 * model deployments with their keys, and the tiny random-weight GGUF registered as a local model.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeRegistry } from '../../engine/registry.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { writeTinyLlamaGguf } from './tiny-gguf.ts';

export interface ModelServer {
  server: RunningServer;
  /** Deployment keys by deployment name. */
  keys: Record<string, string>;
  /** An admin call; a failing one throws with the server's answer. */
  admin(method: string, url: string, body?: unknown): Promise<any>;
  /** Deploys a catalog model, makes its key, and waits until it is loaded. */
  deploy(name: string, model: string, extra?: Record<string, unknown>): Promise<string>;
  /** Registers the tiny random-weight llama (test/helpers/tiny-gguf.ts) as catalog model `id`. */
  addTinyLlama(id: string): Promise<void>;
  close(): Promise<void>;
}

export async function startModelServer(adminToken: string): Promise<ModelServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-model-server-'));
  const server = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, dataDir: dir, adminToken, examplesDir: null });
  const keys: Record<string, string> = {};
  const admin = async (method: string, url: string, body?: unknown): Promise<any> => {
    const res = await fetch(server.url + url, { method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = res.status === 204 ? null : await res.json();
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    server,
    keys,
    admin,
    async deploy(name, model, extra = {}) {
      await admin('POST', '/api/deployments', { name, model, ...extra });
      keys[name] = (await admin('POST', `/api/deployments/${name}/keys`, {})).key;
      await server.workspace.models.get(name);
      return keys[name];
    },
    async addTinyLlama(id) {
      const gguf = await writeTinyLlamaGguf(path.join(dir, `${id}.gguf`), { seed: 11, contextLength: 2048 });
      await server.store.models.put({
        id, name: 'Tiny random llama', publisher: 'weir-tests', task: 'chat-completion', provider: 'llama-cpp', format: 'gguf',
        license: 'Apache-2.0', parameters: null, contextLength: 1024, fileSizeBytes: null, source: { kind: 'local', path: gguf.file },
        price: null, description: 'random weights, for tests', labels: ['user'],
      });
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
