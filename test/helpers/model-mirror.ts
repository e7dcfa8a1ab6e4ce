/**
 * A loopback Hugging Face mirror (what HF_ENDPOINT points at): it serves the tiny GGUF for any
 * `/<repo>/resolve/main/<file>` path, so a download from the catalog succeeds offline. `hold()`
 * makes it send the first half and wait, so a test can look at a download while it runs.
 */
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeTinyLlamaGguf } from './tiny-gguf.ts';

export interface ModelMirror {
  url: string;
  bytes: number;
  /** Paths asked for, in order. */
  asked: string[];
  /** From now on, downloads stop after half the file until `release()`. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startModelMirror(): Promise<ModelMirror> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-mirror-'));
  await writeTinyLlamaGguf(path.join(dir, 'tiny.gguf'));
  const body = readFileSync(path.join(dir, 'tiny.gguf'));
  rmSync(dir, { recursive: true, force: true });
  const asked: string[] = [];
  let held = false;
  const waiting: ServerResponse[] = [];
  const server = createServer((req, res) => {
    asked.push(req.url ?? '');
    if (!/\/resolve\/main\//.test(req.url ?? '')) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
    if (!held) return void res.end(body);
    res.write(body.subarray(0, body.length >> 1));
    waiting.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const release = () => {
    held = false;
    for (const res of waiting.splice(0)) res.end(body.subarray(body.length >> 1));
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytes: body.length,
    asked,
    hold: () => void (held = true),
    release,
    close: () => {
      release();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
