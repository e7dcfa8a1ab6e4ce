import type { NodeRegistry } from '../registry.ts';
import { startServer, startWorker } from '../server.ts';
import { WeirError } from '../errors.ts';
import type { Io } from './commands.ts';

export interface ServeArgs {
  port?: string;
  host?: string;
  dataDir?: string;
  workers?: string;
}

/** --workers N: background jobs of each kind this instance runs at once (0: it only serves). */
export function workersArg(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 256) throw new WeirError('invalid_argument', `--workers ${raw}: expected a whole number from 0 to 256`);
  return n;
}

/** `weir serve`: runs until SIGTERM/SIGINT, then shuts down gracefully. */
export async function serveCommand(args: ServeArgs, registry: NodeRegistry, io: Io): Promise<number> {
  const port = args.port === undefined ? Number(process.env.PORT ?? 8787) : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new WeirError('invalid_argument', `--port ${args.port}: expected a port number`);
  const workers = workersArg(args.workers);
  let server;
  try {
    server = await startServer({ registry, port, host: args.host, dataDir: args.dataDir, workers });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new WeirError('port_in_use', `port ${port} is already in use (try --port)`);
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new WeirError('cannot_listen', `cannot listen on ${args.host ?? '127.0.0.1'}:${port} (${code})`);
    throw err;
  }
  if (server.seeded.length) io.out(`loaded example flows: ${server.seeded.join(', ')}\n`);
  if (server.resumedJobs) io.out(`resuming ${server.resumedJobs} ingestion job(s) left unfinished by the last stop\n`);
  if (server.interruptedAtStart) io.out(`marked ${server.interruptedAtStart} run(s) left unfinished by the last stop as interrupted\n`);
  io.out(server.generatedToken ? `admin token (this start only; set WEIR_ADMIN_TOKEN to choose one): ${server.adminToken}\n` : 'admin token: from WEIR_ADMIN_TOKEN\n');
  io.out(`Weir is running at ${server.url}\n`);
  // The token rides in the query once; the studio keeps it and takes it out of the address bar.
  const studio = server.generatedToken ? `${server.url}/?token=${encodeURIComponent(server.adminToken)}` : `${server.url}/`;
  io.out(`open the studio: ${studio}\n`);
  await untilSignalled(io, () => server.close());
  return 0;
}

/** Runs until SIGTERM/SIGINT, then `close` (a graceful shutdown). */
function untilSignalled(io: Io, close: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      io.out('shutting down…\n');
      close().then(resolve, resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

/** `weir worker`: takes background jobs from the shared queue until SIGTERM/SIGINT; serves nothing. */
export async function workerCommand(args: Pick<ServeArgs, 'dataDir' | 'workers'>, registry: NodeRegistry, io: Io): Promise<number> {
  const workers = workersArg(args.workers);
  if (workers === 0) throw new WeirError('invalid_argument', '--workers 0: a worker with no workers would do nothing');
  const worker = await startWorker({ registry, dataDir: args.dataDir, workers });
  io.out(`Weir worker taking background jobs (${worker.workspace.queue.kind === 'bullmq' ? 'BullMQ on Redis' : 'the queue in the store'})\n`);
  await untilSignalled(io, () => worker.close());
  return 0;
}
