import { asc, eq } from 'drizzle-orm';
import { bytewise, type Db } from './db.ts';
import { quotaPools } from './schema.ts';
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
