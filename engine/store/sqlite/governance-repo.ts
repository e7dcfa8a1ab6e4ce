/** What governs deployments: quota pools, prices with effective dates, content-safety policies and blocklists. */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from './db.ts';
import { modelPrices, quotaPools, safetySettings } from './schema.ts';
import type { Store } from '../types.ts';
import type { Sync } from './async.ts';

export function quotasRepo(db: Db): Sync<Store['quotas']> {
  return {
    list: () => db.select().from(quotaPools).orderBy(asc(quotaPools.model)).all(),
    get: (model) => db.select().from(quotaPools).where(eq(quotaPools.model, model)).get(),
    put: (model, tpm) => {
      const updatedAt = Date.now();
      return db.insert(quotaPools).values({ model, tpm, updatedAt }).onConflictDoUpdate({ target: quotaPools.model, set: { tpm, updatedAt } }).returning().get();
    },
  };
}

export function pricesRepo(db: Db): Sync<Store['prices']> {
  return {
    list: (model) =>
      db
        .select()
        .from(modelPrices)
        .where(model === undefined ? undefined : eq(modelPrices.model, model))
        .orderBy(asc(modelPrices.model), asc(modelPrices.effectiveFrom))
        .all(),
    put: (row) => {
      const { model: _m, effectiveFrom: _e, ...set } = row;
      return db.insert(modelPrices).values(row).onConflictDoUpdate({ target: [modelPrices.model, modelPrices.effectiveFrom], set }).returning().get();
    },
  };
}

export function safetyRepo(db: Db): Sync<Store['safety']> {
  const one = (kind: 'policy' | 'blocklist', name: string) => and(eq(safetySettings.kind, kind), eq(safetySettings.name, name));
  return {
    list: (kind) => db.select().from(safetySettings).where(eq(safetySettings.kind, kind)).orderBy(asc(safetySettings.name)).all(),
    get: (kind, name) => db.select().from(safetySettings).where(one(kind, name)).get(),
    put: (kind, name, body) => {
      const updatedAt = Date.now();
      return db.insert(safetySettings).values({ kind, name, body, updatedAt }).onConflictDoUpdate({ target: [safetySettings.kind, safetySettings.name], set: { body, updatedAt } }).returning().get();
    },
    delete: (kind, name) => db.delete(safetySettings).where(one(kind, name)).run().changes > 0,
  };
}
