/**
 * One contract for every Store implementation (hono's `common.case.test.ts` pattern): each area
 * registers the behaviour the port promises, and a runner per implementation
 * (store.sqlite.test.ts, store.pg.test.ts) calls `storeContract` with a factory for its stores.
 * Nothing here may know which database is behind the port: no file paths, no SQL, no handles.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../types.ts';
import { batchesContract } from './batches.ts';
import { callsContract } from './calls.ts';
import { monitorsContract } from './monitors.ts';
import { connectionsContract } from './connections.ts';
import { dataContract } from './data.ts';
import { deploymentsContract, keysContract, pricesContract, quotasContract, safetyContract, usageContract, usageQueryContract } from './deployments-keys.ts';
import { flowsContract, versionsContract } from './flows-versions.ts';
import { jobsContract } from './jobs.ts';
import { lifecycleContract } from './lifecycle.ts';
import { runsContract } from './runs.ts';
import { vectorsContract } from './vectors.ts';
import { webAppsContract } from './web-apps.ts';

/** What a contract test sees: a fresh empty store of its own. */
export interface StoreContext {
  /** The store of the current test (the newest connection after `reopen`). */
  readonly store: Store;
  /** Closes the current store and opens the same data again, as a restarted process would. */
  reopen(): Promise<Store>;
  /** A second connection to the same data, open alongside `store` (another instance); closed after the test. */
  another(): Promise<Store>;
}

export interface StoreFactory {
  /** Shown in the suite's name. */
  name: string;
  /** A fresh empty store. */
  open(): Promise<Store>;
  /**
   * The same data, a new connection (restart). Does not close `store`, which may already be closed
   * (a restart) or still open (a second instance beside it): the contract closes what it opened.
   */
  reopen(store: Store): Promise<Store>;
  /** Closes `store` if still open (close is idempotent) and removes its data. Called once per `open`. */
  cleanup(store: Store): Promise<void>;
}

export function storeContract(factory: StoreFactory): void {
  describe(`store contract (${factory.name})`, () => {
    let current: Store | undefined;
    const others: Store[] = [];

    const ctx: StoreContext = {
      get store() {
        if (!current) throw new Error('the contract store is not open (used outside a test?)');
        return current;
      },
      async reopen() {
        const old = ctx.store;
        await old.close();
        return (current = await factory.reopen(old));
      },
      async another() {
        const other = await factory.reopen(ctx.store);
        others.push(other);
        return other;
      },
    };

    beforeEach(async () => {
      current = await factory.open();
    });
    afterEach(async () => {
      try {
        await Promise.all(others.splice(0).map((s) => s.close()));
      } finally {
        const store = current;
        current = undefined;
        if (store) await factory.cleanup(store);
      }
    });

    lifecycleContract(ctx);
    flowsContract(ctx);
    versionsContract(ctx);
    deploymentsContract(ctx);
    callsContract(ctx);
    batchesContract(ctx);
    monitorsContract(ctx);
    webAppsContract(ctx);
    keysContract(ctx);
    quotasContract(ctx);
    pricesContract(ctx);
    safetyContract(ctx);
    usageContract(ctx);
    usageQueryContract(ctx);
    runsContract(ctx);
    connectionsContract(ctx);
    dataContract(ctx);
    vectorsContract(ctx);
    jobsContract(ctx);
  });
}
