import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../engine/api/app.ts';
import type { AnyNodeDefinition } from '../../engine/node-definition.ts';
import { NodeRegistry } from '../../engine/registry.ts';
import { Workspace, type WorkspaceOptions } from '../../engine/app/workspace.ts';
import { openSqliteStore } from '../../engine/store/sqlite/open.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { testNodes } from './test-nodes.ts';

export const ADMIN = 'test-admin-token';

/** A response's status, headers, text and (when it is JSON) parsed body. */
export async function readAnswer(res: Response): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/**
 * The real app over a real SQLite file in a temp folder, called in-process; `nodes` adds node types,
 * `maxBodyBytes` sets the body cap (256 KiB by default).
 */
export function makeApi(opts: { nodes?: AnyNodeDefinition[]; maxBodyBytes?: number; workspace?: WorkspaceOptions } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-api-'));
  const store = openSqliteStore({ dataDir: dir, batchMs: 2 });
  const ws = new Workspace(store, new NodeRegistry([...builtinNodes, ...testNodes, ...(opts.nodes ?? [])]), opts.workspace);
  const app = createApp(ws, { adminToken: ADMIN, maxBodyBytes: opts.maxBodyBytes ?? 256 * 1024 });
  const call = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${ADMIN}`, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= typeof body === 'string' ? 'application/yaml' : 'application/json';
    }
    return readAnswer(await app.request(url, init));
  };
  return {
    dir, store, ws, app, call,
    async close() {
      await ws.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Api = ReturnType<typeof makeApi>;

/** Reads an SSE body into its events. */
export function parseSse(text: string): { event: string; data: any; id?: string }[] {
  return text
    .split('\n\n')
    .filter((b) => b.trim())
    .map((block) => {
      const lines = block.split('\n');
      const field = (k: string) => lines.filter((l) => l.startsWith(`${k}:`)).map((l) => l.slice(k.length + 1).trimStart());
      return { event: field('event')[0] ?? 'message', data: JSON.parse(field('data').join('\n')), id: field('id')[0] };
    });
}

export const ECHO_FLOW = `weir: 1
name: echo
inputs:
  text: { type: string }
  times: { type: integer, default: 1 }
outputs:
  said: \${shout.output}
nodes:
  - name: shout
    type: transform
    inputs: { text: \${inputs.text}, times: \${inputs.times} }
    config: { expression: "($t := text; $join([1..times].($t), ' '))" }
`;

/** A flow, published and deployed, with a key: what an app calls. */
export async function deployed(api: Api, flowText = ECHO_FLOW, name = 'echo-prod') {
  const flow = /name: (\S+)/.exec(flowText)![1];
  await api.call('POST', '/api/flows', flowText);
  const v = await api.call('POST', `/api/flows/${flow}/publish`, { message: 'first' });
  const d = await api.call('POST', '/api/deployments', { name, flow });
  const k = await api.call('POST', `/api/deployments/${name}/keys`, {});
  return { flow, version: v.json.version, deployment: d.json, key: k.json.key as string };
}
