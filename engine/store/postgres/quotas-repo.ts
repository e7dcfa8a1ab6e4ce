import { asc, eq } from 'drizzle-orm';
import { bytewise, type Db } from './db.ts';
import { modelPrices, quotaPools } from './schema.ts';
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
