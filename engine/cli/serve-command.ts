import type { NodeRegistry } from '../registry.ts';
import { startServer } from '../server.ts';
import { WeirError } from '../errors.ts';
import type { Io } from './commands.ts';

export interface ServeArgs {
  port?: string;
  host?: string;
  dataDir?: string;
}

/** `weir serve`: runs until SIGTERM/SIGINT, then shuts down gracefully. */
export async function serveCommand(args: ServeArgs, registry: NodeRegistry, io: Io): Promise<number> {
  const port = args.port === undefined ? Number(process.env.PORT ?? 8787) : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new WeirError('invalid_argument', `--port ${args.port}: expected a port number`);
  let server;
  try {
    server = await startServer({ registry, port, host: args.host, dataDir: args.dataDir });
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
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      io.out('shutting down…\n');
      server.close().then(resolve, resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  return 0;
}
