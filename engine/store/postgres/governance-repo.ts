/** What governs deployments: quota pools, prices with effective dates, content-safety policies and blocklists. */
import { and, asc, eq } from 'drizzle-orm';
import { bytewise, type Db } from './db.ts';
import { modelPrices, quotaPools, safetySettings } from './schema.ts';
import type { Store } from '../types.ts';

export function quotasRepo(db: Db): Store['quotas'] {
  return {
    list: () => db.select().from(quotaPools).orderBy(asc(bytewise(quotaPools.model))),
    get: async (model) => (await db.select().from(quotaPools).where(eq(quotaPools.model, model)))[0],
    put: async (model, tpm) => {
      const updatedAt = Date.now();
      const [row] = await db.insert(quotaPools).values({ model, tpm, updatedAt }).onConflictDoUpdate({ target: quotaPools.model, set: { tpm, updatedAt } }).returning();
      return row;
    },
  };
}

export function pricesRepo(db: Db): Store['prices'] {
  return {
    list: (model) =>
      db
        .select()
        .from(modelPrices)
        .where(model === undefined ? undefined : eq(modelPrices.model, model))
        .orderBy(asc(bytewise(modelPrices.model)), asc(modelPrices.effectiveFrom)),
    put: async (row) => {
      const { model: _m, effectiveFrom: _e, ...set } = row;
      const [r] = await db.insert(modelPrices).values(row).onConflictDoUpdate({ target: [modelPrices.model, modelPrices.effectiveFrom], set }).returning();
      return r;
    },
  };
}

export function safetyRepo(db: Db): Store['safety'] {
  const one = (kind: 'policy' | 'blocklist', name: string) => and(eq(safetySettings.kind, kind), eq(safetySettings.name, name));
  return {
    list: (kind) => db.select().from(safetySettings).where(eq(safetySettings.kind, kind)).orderBy(asc(bytewise(safetySettings.name))),
    get: async (kind, name) => (await db.select().from(safetySettings).where(one(kind, name)))[0],
    put: async (kind, name, body) => {
      const updatedAt = Date.now();
      const [row] = await db.insert(safetySettings).values({ kind, name, body, updatedAt }).onConflictDoUpdate({ target: [safetySettings.kind, safetySettings.name], set: { body, updatedAt } }).returning();
      return row;
    },
    delete: async (kind, name) => ((await db.delete(safetySettings).where(one(kind, name))).rowCount ?? 0) > 0,
  };
}
