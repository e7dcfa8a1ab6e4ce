import { computeOfferFromEnv } from './app/gateway/compute.ts';
import { quotaSettingsFromEnv } from './app/gateway/quotas.ts';
import { defaultThreads } from './models/threads.ts';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './api/app.ts';
import { FLOW_FILE } from './flow/load.ts';
import type { NodeRegistry } from './registry.ts';
import { readFlowSource } from './app/flow-source.ts';
import { DEFAULT_WORKERS, Workspace } from './app/workspace.ts';
import { closePythonPools } from './sandbox/python/pool.ts';
import { denyToPython } from './sandbox/python/isolation.ts';
import { openBus } from './bus/open-bus.ts';
import { openQueue } from './queue/open-queue.ts';
import { openStore } from './store/open.ts';
import { WeirError } from './errors.ts';
import type { Store } from './store/types.ts';
import { telemetryFromEnv, type TelemetryConfig } from './telemetry/config.ts';
import { openTelemetry } from './telemetry/telemetry.ts';

export interface ServerOptions {
  registry: NodeRegistry;
  port?: number;
  host?: string;
  /** Where weir.db and master.key live: --data-dir, WEIR_HOME, or .weir under the working directory. */
  dataDir?: string;
  adminToken?: string;
  masterKey?: string;
  /** postgres://… for a server database (default WEIR_DATABASE_URL); SQLite under dataDir without it. */
  databaseUrl?: string;
  /** redis://… shared by every instance (default WEIR_REDIS_URL); this process alone without it. */
  redisUrl?: string;
  /** How long shutdown waits for running runs before marking them interrupted. */
  shutdownGraceMs?: number;
  /** Folder of example flows loaded into an empty store. */
  examplesDir?: string | null;
  /** Largest JSON (non-upload) request body, in bytes; 1 MiB by default. */
  maxBodyBytes?: number;
  /** Largest document upload, in bytes; 256 MiB by default. */
  maxUploadBytes?: number;
  /** Background jobs (async runs, ingestion jobs) this instance runs at once, of each kind; 0: none. */
  workers?: number;
  /** Where traces go (OTLP/HTTP); default: the OTEL_* environment; null: no tracing. */
  telemetry?: TelemetryConfig | null;
}

export interface RunningServer {
  url: string;
  port: number;
  adminToken: string;
  /** True when the admin token was generated for this start (print it once). */
  generatedToken: boolean;
  interruptedAtStart: number;
  /** Ingestion jobs picked up again at start. */
  resumedJobs: number;
  seeded: string[];
  store: Store;
  workspace: Workspace;
  close(): Promise<void>;
}

function defaultExamples(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [path.join(here, '../flows'), path.join(here, '../../flows')]) if (existsSync(dir)) return dir;
  return null;
}

async function seedExamples(ws: Workspace, dir: string | null): Promise<string[]> {
  if (!dir || (await ws.store.flows.list()).length) return [];
  const names: string[] = [];
  for (const file of (await readdir(dir)).filter((f) => FLOW_FILE.test(f)).sort()) {
    const text = await readFile(path.join(dir, file), 'utf8');
    const src = readFlowSource(text, file.endsWith('.json') ? 'application/json' : 'application/yaml');
    const name = (src.definition as { name?: string } | undefined)?.name;
    if (src.problems.length || !name || (await ws.store.flows.get(name))) continue;
    await ws.store.flows.put({ name, source: src.source, format: src.format, definition: src.definition });
    names.push(name);
  }
  return names;
}

/** --workers, else WEIR_WORKERS, else the default. */
function workersOf(given: number | undefined): number {
  if (given !== undefined) return given;
  const raw = process.env.WEIR_WORKERS;
  if (raw === undefined || raw === '') return DEFAULT_WORKERS.runs;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 256) throw new WeirError('invalid_argument', `WEIR_WORKERS=${raw}: expected a whole number from 0 to 256`);
  return n;
}

/** The bus and the job queue: on Redis when instances share one, else this process's own. */
export async function openShared(store: Store, redisUrl: string | undefined) {
  const bus = await openBus(redisUrl).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  const queue = await openQueue(store, redisUrl).catch(async (err: unknown) => {
    await bus.close().catch(() => {});
    await store.close();
    throw err;
  });
  return { bus, queue };
}

/** N workers: N async runs at once, and up to DEFAULT_WORKERS.ingest ingestion jobs (they share the compute pool). */
const workerSlots = (n: number) => ({ runs: n, ingest: Math.min(n, DEFAULT_WORKERS.ingest) });

async function markDraftsInterrupted(store: Store): Promise<number> {
  const left = (await store.runs.list({ status: 'running', limit: 10_000 })).filter((r) => r.mode !== 'async');
  return left.length ? store.runs.markInterrupted(left.map((r) => r.id)) : 0;
}

export interface RunningWorker {
  workspace: Workspace;
  close(): Promise<void>;
}

/**
 * `weir worker`: an instance that only takes background jobs (async runs, ingestion), on the store
 * and Redis the servers share; no HTTP.
 */
export async function startWorker(opts: Pick<ServerOptions, 'registry' | 'dataDir' | 'masterKey' | 'databaseUrl' | 'redisUrl' | 'workers' | 'telemetry'>): Promise<RunningWorker> {
  const dataDir = path.resolve(opts.dataDir ?? process.env.WEIR_HOME ?? '.weir');
  // Python tools run in worker processes that must never read this folder (its master key, its database).
  denyToPython(dataDir);
  const databaseUrl = opts.databaseUrl ?? process.env.WEIR_DATABASE_URL;
  const workers = workersOf(opts.workers);
  // Settings are checked before anything is opened.
  const quotas = quotaSettingsFromEnv(process.env);
  const compute = computeOfferFromEnv(process.env, defaultThreads());
  const traces = opts.telemetry === undefined ? telemetryFromEnv(process.env) : opts.telemetry;
  const store = await openStore({ dataDir, masterKey: opts.masterKey ?? process.env.WEIR_MASTER_KEY, ...(databaseUrl ? { databaseUrl } : {}) });
  const { bus, queue } = await openShared(store, (opts.redisUrl ?? process.env.WEIR_REDIS_URL) || undefined);
  const telemetry = await openTelemetry(traces);
  const ws = new Workspace(store, telemetry ? telemetry.traceNodes(opts.registry) : opts.registry, { bus, queue, workers: workerSlots(workers), quotas, compute, telemetry });
  const shut = async () => {
    await ws.close();
    await closePythonPools();
    await ws.models.close();
    await store.runs.flush();
    await store.close();
    await bus.close();
    await telemetry?.shutdown();
  };
  try {
    await ws.workers;
    await ws.changes.start();
    void ws.models.loadAll().catch((err: unknown) => console.error('loading model deployments failed:', (err as Error).message));
  } catch (err) {
    await shut().catch(() => {});
    throw err;
  }
  let closing: Promise<void> | undefined;
  return { workspace: ws, close: () => (closing ??= shut()) };
}

/** Starts the Weir server: store, API and published endpoints on one port. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const dataDir = path.resolve(opts.dataDir ?? process.env.WEIR_HOME ?? '.weir');
  // Python tools run in worker processes that must never read this folder (its master key, its database).
  denyToPython(dataDir);
  const databaseUrl = opts.databaseUrl ?? process.env.WEIR_DATABASE_URL;
  const workers = workersOf(opts.workers);
  // Settings are checked before anything is opened.
  const quotas = quotaSettingsFromEnv(process.env);
  const compute = computeOfferFromEnv(process.env, defaultThreads());
  const traces = opts.telemetry === undefined ? telemetryFromEnv(process.env) : opts.telemetry;
  const store = await openStore({ dataDir, masterKey: opts.masterKey ?? process.env.WEIR_MASTER_KEY, ...(databaseUrl ? { databaseUrl } : {}) });
  const redisUrl = opts.redisUrl ?? process.env.WEIR_REDIS_URL;
  const { bus, queue } = await openShared(store, redisUrl || undefined);
  const telemetry = await openTelemetry(traces);
  const ws = new Workspace(store, telemetry ? telemetry.traceNodes(opts.registry) : opts.registry, { bus, queue, workers: workerSlots(workers), quotas, compute, telemetry });
  let started: { interruptedAtStart: number; resumedJobs: number; seeded: string[]; given: string | undefined; adminToken: string; host: string; server: ServerType };
  try {
    // On its own database an instance starting knows every unfinished draft run was its previous
    // process's. Async runs are jobs: the queue runs them again or marks them (run-jobs.ts).
    const interruptedAtStart = databaseUrl ? 0 : await markDraftsInterrupted(store);
    await ws.workers;
    await ws.changes.start();
    // Model deployments load again in the background; calls wait for (or report) their state.
    void ws.models.loadAll().catch((err: unknown) => console.error('loading model deployments failed:', (err as Error).message));
    // Ingestion jobs a crash or shutdown cut short go on where they stopped.
    const resumedJobs = (await ws.data.jobs.resume()).length;
    const seeded = await seedExamples(ws, opts.examplesDir === undefined ? defaultExamples() : opts.examplesDir);
    const given = opts.adminToken ?? process.env.WEIR_ADMIN_TOKEN;
    const adminToken = given || `weir_admin_${randomBytes(24).toString('base64url')}`;
    const app = createApp(ws, { adminToken, maxBodyBytes: opts.maxBodyBytes, maxUploadBytes: opts.maxUploadBytes });
    const host = opts.host ?? '127.0.0.1';
    const server: ServerType = await new Promise((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: opts.port ?? 8787, hostname: host }, () => resolve(s));
      // Node's 5 s keep-alive can close an idle socket just as a client reuses it, when a long
      // synchronous step (a batch of embeddings) delayed the timer: clients then see ECONNRESET.
      const http = s as unknown as { keepAliveTimeout: number; headersTimeout: number };
      http.keepAliveTimeout = 65_000;
      http.headersTimeout = 66_000;
      // Expect: 100-continue asks before sending the body: node would say "continue" at once, so a
      // client would send a body the API then refuses by its declared length (413). Say it only when
      // the app starts reading the body, never after an answer.
      s.on('checkContinue', (req, res) => {
        req.once('resume', () => res.headersSent || res.writeContinue());
        s.emit('request', req, res);
      });
      s.once('error', reject);
    });
    started = { interruptedAtStart, resumedJobs, seeded, given, adminToken, host, server };
  } catch (err) {
    // A start that fails (the port is taken) must not leave connections to Postgres or Redis
    // holding the process open.
    await ws.close().catch(() => {});
    await store.close().catch(() => {});
    await bus.close().catch(() => {});
    await telemetry?.shutdown().catch(() => {});
    throw err;
  }
  const { interruptedAtStart, resumedJobs, seeded, given, adminToken, host, server } = started;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port ?? 8787;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port, adminToken, generatedToken: !given, interruptedAtStart, resumedJobs, seeded, store, workspace: ws,
    close: () =>
      (closing ??= (async () => {
        // Stop accepting and taking jobs, let running runs finish up to the grace period, then hand
        // the async runs left back to the queue and record the draft runs left as interrupted.
        const stopped = new Promise<void>((r) => server.close(() => r()));
        await ws.queue.pause();
        const grace = new Promise((r) => setTimeout(r, opts.shutdownGraceMs ?? 10_000).unref());
        await Promise.race([ws.runs.waitAll(), grace]);
        // Its timers stop and its last samples go to the queue before the queue and store close.
        await ws.monitors.close();
        await ws.queue.close();
        const unfinished = ws.runs.liveIds();
        await ws.runs.stopAll();
        await closePythonPools();
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        await stopped;
        await ws.data.jobs.close();
        await ws.data.close();
        // After the connections: no stream is still reading from a model being disposed.
        await ws.models.close();
        await store.runs.flush(); // queued sync runs first: they are finished, not interrupted
        await store.runs.markInterrupted(unfinished);
        await store.close();
        await bus.close();
        // Last: the spans of runs stopped above are exported.
        await telemetry?.shutdown();
      })()),
  };
}
