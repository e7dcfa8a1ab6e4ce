/** Starting `weir serve` as users do, for benchmarks: a child process on a free loopback port. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, mem_gb: Math.round(os.totalmem() / 2 ** 30) };

export interface Child {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Spawns `node <args>` from the repo root and waits for its "running at <url>" line. */
export function startChild(args: string[], env: Record<string, string> = {}, cwd = ROOT): Promise<Child> {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1], pid: child.pid!, stop: () => new Promise((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))) });
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

export const rssMb = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);

/** A management API caller with the admin token; YAML strings are sent as flow sources. */
export function adminClient(base: string, token: string) {
  return async (method: string, url: string, body?: unknown): Promise<any> => {
    const res = await fetch(base + url, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': typeof body === 'string' ? 'application/yaml' : 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : res.json();
  };
}
