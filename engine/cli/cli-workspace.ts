import path from 'node:path';
import { denyToPython } from '../sandbox/python/isolation.ts';
import type { NodeRegistry } from '../registry.ts';
import { Workspace } from '../app/workspace.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { openShared } from '../server.ts';

export interface CliWorkspace {
  ws: Workspace;
  store: Store;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * The workspace a `weir` command works on: the same data folder (`--data-dir`, WEIR_HOME or .weir)
 * or the same WEIR_DATABASE_URL a server uses, so what the command changes a running server sees.
 * With WEIR_REDIS_URL it joins the instances' bus (their caches hear of its changes at once; on
 * SQLite alone a server's caches trust a row for at most a second). `ingest`: whether this process
 * works on ingestion jobs (`weir data add` follows its own job); it never runs flow runs.
 */
export async function openCliWorkspace(registry: NodeRegistry, dataDirFlag: string | undefined, opts: { ingest?: boolean } = {}): Promise<CliWorkspace> {
  const dataDir = path.resolve(dataDirFlag ?? process.env.WEIR_HOME ?? '.weir');
  denyToPython(dataDir);
  const store = await openStore({ dataDir, masterKey: process.env.WEIR_MASTER_KEY, databaseUrl: process.env.WEIR_DATABASE_URL });
  const { bus, queue } = await openShared(store, process.env.WEIR_REDIS_URL || undefined);
  const ws = new Workspace(store, registry, { bus, queue, workers: { runs: 0, ingest: opts.ingest ? 1 : 0 } });
  return {
    ws, store, dataDir,
    async close() {
      // A job cut short (Ctrl-C) is handed back to the queue: the next `add` (or a server) resumes it.
      await ws.queue.close();
      await ws.data.jobs.close();
      await ws.data.close();
      await ws.models.close();
      await store.close();
      await bus.close();
    },
  };
}
