import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { readAnswer } from './api.ts';
import { ensureBuilt } from './cli.ts';
import { startServerProcess, startWorkerProcess, type ServerProcess } from './server-process.ts';
import { freePort, portIsFree } from './services/free-port.ts';
import { startPostgres, type RunningService } from './services/postgres.ts';
import { startRedis } from './services/redis.ts';

export type Answer = Awaited<ReturnType<typeof readAnswer>>;

export interface AddOptions {
  /** Extra environment of this instance (WEIR_WORKERS=0: it only serves). */
  env?: Record<string, string>;
  /**
   * Connect this instance to Redis through a relay the test can cut (`cutBus`): then the pub/sub
   * messages meant for it are dropped while its other Redis commands still work — a lost message.
   */
  cuttableBus?: boolean;
}

export interface Cluster {
  /** Base URL of each instance, by index (an instance restarted keeps its URL). */
  urls: string[];
  adminToken: string;
  databaseUrl: string;
  redisUrl: string;
  /** What every instance is started with (database, Redis, master key): for another process to join, e.g. `weir data add`. */
  env: Record<string, string>;
  /** A call to instance `i` with the admin token; a string body is sent as YAML, anything else as JSON. */
  admin(i: number, method: string, path: string, body?: unknown): Promise<Answer>;
  /** A call to instance `i` with the given headers (no admin token): published endpoints, keys. */
  call(i: number, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** The next running instance, round-robin. */
  next(): number;
  /** Sends `signal` (SIGKILL by default) to instance `i` and waits until it has exited. */
  kill(i: number, signal?: NodeJS.Signals): Promise<number | null>;
  /** Starts instance `i` again (stopping it first if it runs) on its port and data folder. */
  restart(i: number): Promise<void>;
  /** Starts one more instance on the same Postgres and Redis; resolves with its index. */
  add(opts?: AddOptions): Promise<number>;
  /** Starts a `weir worker` process (background jobs only) on the same Postgres and Redis; stopped with the cluster. */
  worker(env?: Record<string, string>): Promise<ServerProcess>;
  /** From now on, pub/sub messages for instance `i` (added with cuttableBus) are dropped; resolves with a counter of dropped bytes. */
  cutBus(i: number): { droppedBytes(): number };
  /** stdout and stderr of instance `i` (its current process). */
  output(i: number): string;
  /** Stops every instance (SIGTERM, then SIGKILL after a grace period), then Redis and Postgres. */
  stop(): Promise<void>;
}

interface Instance {
  dir: string;
  port: number;
  env: Record<string, string>;
  process: ServerProcess | undefined;
  link?: BusLink;
}

const STOP_GRACE_MS = 15_000;
const PORT_ATTEMPTS = 5;
const PORT_IN_USE = /port \d+ is already in use/;

/**
 * A free port below Linux's ephemeral range (32768+ by default). A port from freePort() lies in that
 * range, where any outgoing connection (an instance's Postgres and Redis clients) may take it as its
 * local port before the server binds it — or before an instance killed on it is started again.
 */
async function listenPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await portIsFree(port)) return port;
  }
  return freePort();
}

/**
 * N real `weir serve` processes (the built CLI) on one throwaway Postgres and one Redis, each on its
 * own 127.0.0.1 port with its own WEIR_HOME, sharing the database, Redis, master key and admin token.
 * The instances start concurrently: migrations are advisory-locked, so they race as in production.
 */
export async function startCluster(opts: { instances: number; env?: (i: number) => Record<string, string> }): Promise<Cluster> {
  ensureBuilt();
  const services: RunningService[] = [];
  const instances: Instance[] = [];
  const adminToken = `weir_admin_${randomBytes(12).toString('hex')}`;
  const masterKey = randomBytes(32).toString('base64');
  let turn = 0;

  /** Starts the instance on its port; if that was taken meanwhile, on another (a first start) or again. */
  const launch = async (inst: Instance, firstStart: boolean) => {
    for (let attempt = 1; ; attempt++) {
      try {
        inst.process = await startServerProcess(inst.dir, adminToken, { env: inst.env, port: inst.port, startTimeoutMs: 60_000, failOn: PORT_IN_USE });
        return;
      } catch (err) {
        if (!PORT_IN_USE.test((err as Error).message) || attempt === PORT_ATTEMPTS) throw err;
        if (firstStart) inst.port = await listenPort();
        else await new Promise((r) => setTimeout(r, 250));
      }
    }
  };

  const stopInstance = async (inst: Instance) => {
    const p = inst.process;
    if (!p) return;
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGTERM');
      const t = setTimeout(() => p.child.kill('SIGKILL'), STOP_GRACE_MS);
      await p.exited;
      clearTimeout(t);
    }
    inst.process = undefined;
  };

  const workers: ServerProcess[] = [];
  const dirs: string[] = [];
  const sharedEnv = () => ({ WEIR_DATABASE_URL: pg.url, WEIR_REDIS_URL: redis.url, WEIR_MASTER_KEY: masterKey });
  const create = async (link: boolean, env: Record<string, string> = {}): Promise<Instance> => {
    const busLink = link ? await startBusLink(redis.url) : undefined;
    const inst: Instance = {
      dir: await mkdtemp(path.join(os.tmpdir(), 'weir-cluster-')),
      port: await listenPort(),
      env: { ...sharedEnv(), ...(busLink ? { WEIR_REDIS_URL: busLink.url } : {}), ...env },
      process: undefined,
      link: busLink,
    };
    instances.push(inst);
    return inst;
  };

  const instance = (i: number): Instance => {
    const inst = instances[i];
    if (!inst) throw new Error(`no instance ${i} (the cluster has ${instances.length})`);
    return inst;
  };

  const request = async (i: number, method: string, urlPath: string, body: unknown, headers: Record<string, string>) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= typeof body === 'string' ? 'application/yaml' : 'application/json';
    }
    return readAnswer(await fetch(`http://127.0.0.1:${instance(i).port}${urlPath}`, init));
  };

  const stopAll = async () => {
    await Promise.all([
      ...instances.map((inst) => stopInstance(inst).catch(() => {})),
      ...workers.map(async (w) => {
        if (w.child.exitCode !== null || w.child.signalCode !== null) return;
        w.child.kill('SIGTERM');
        const t = setTimeout(() => w.child.kill('SIGKILL'), STOP_GRACE_MS);
        await w.exited;
        clearTimeout(t);
      }),
    ]);
    for (const inst of instances) {
      await inst.link?.close();
      await rm(inst.dir, { recursive: true, force: true });
    }
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    for (const s of services.reverse()) await s.stop().catch(() => {});
  };

  const started = await Promise.allSettled([startPostgres(), startRedis()]);
  for (const r of started) if (r.status === 'fulfilled') services.push(r.value);
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    for (const s of services) await s.stop().catch(() => {});
    throw failed.reason;
  }
  const [pg, redis] = services;
  try {
    for (let i = 0; i < opts.instances; i++) await create(false, opts.env?.(i));
    await Promise.all(instances.map((inst) => launch(inst, true)));
  } catch (err) {
    await stopAll();
    throw err;
  }

  return {
    get urls() {
      return instances.map((inst) => `http://127.0.0.1:${inst.port}`);
    },
    adminToken,
    databaseUrl: pg.url,
    redisUrl: redis.url,
    get env() {
      return sharedEnv();
    },
    admin: (i, method, urlPath, body) => request(i, method, urlPath, body, { authorization: `Bearer ${adminToken}` }),
    call: (i, method, urlPath, body, headers = {}) => request(i, method, urlPath, body, headers),
    next() {
      for (let n = 0; n < instances.length; n++) {
        const i = turn++ % instances.length;
        if (instances[i].process) return i;
      }
      throw new Error('no instance is running');
    },
    async kill(i, signal = 'SIGKILL') {
      const p = instance(i).process;
      if (!p) throw new Error(`instance ${i} is not running`);
      p.child.kill(signal);
      const code = await p.exited;
      instance(i).process = undefined;
      return code;
    },
    async restart(i) {
      const inst = instance(i);
      await stopInstance(inst);
      await launch(inst, false);
    },
    async add(addOpts = {}) {
      const inst = await create(addOpts.cuttableBus ?? false, addOpts.env);
      await launch(inst, true);
      return instances.indexOf(inst);
    },
    async worker(env = {}) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'weir-worker-'));
      dirs.push(dir);
      const w = await startWorkerProcess(dir, { env: { ...sharedEnv(), ...env }, startTimeoutMs: 60_000 });
      workers.push(w);
      return w;
    },
    cutBus(i) {
      const link = instance(i).link;
      if (!link) throw new Error(`instance ${i} was not added with cuttableBus`);
      link.cut();
      return { droppedBytes: () => link.dropped };
    },
    output: (i) => instance(i).process?.output() ?? '',
    stop: stopAll,
  };
}

interface BusLink {
  url: string;
  /** Bytes Redis sent to a subscribed connection after cut(). */
  readonly dropped: number;
  cut(): void;
  close(): Promise<void>;
}

// A client's SUBSCRIBE (or PSUBSCRIBE) command in RESP: the connection it arrives on is the bus's subscriber.
const SUBSCRIBE = /(?:^|\r\n)\*\d+\r\n\$\d+\r\np?subscribe\r\n/i;

/**
 * A TCP relay to Redis. Once cut, what Redis sends on subscribed connections is dropped: messages
 * published by other instances never arrive, yet the connection stays open (no reconnect, so the
 * instance is not told it may have missed anything) and its other connection keeps working.
 */
async function startBusLink(redisUrl: string): Promise<BusLink> {
  const target = new URL(redisUrl);
  const sockets = new Set<Socket>();
  let cut = false;
  let dropped = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    let subscriber = false;
    client.on('data', (d) => {
      if (!subscriber && SUBSCRIBE.test(d.toString('latin1'))) subscriber = true;
      upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (cut && subscriber) dropped += d.length;
      else client.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', end);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    get dropped() {
      return dropped;
    },
    cut: () => {
      cut = true;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
