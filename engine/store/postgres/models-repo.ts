import { asc, eq } from 'drizzle-orm';
import { bytewise, type Db } from './db.ts';
import { models } from './schema.ts';
import type { Store } from '../types.ts';

export function modelsRepo(db: Db): Store['models'] {
  return {
    list: async () => (await db.select().from(models).orderBy(asc(bytewise(models.id)))).map((r) => r.entry),
    get: async (id) => (await db.select().from(models).where(eq(models.id, id)))[0]?.entry,
    put: async (entry) => {
      await db.insert(models).values({ id: entry.id, entry, createdAt: Date.now() }).onConflictDoUpdate({ target: models.id, set: { entry } });
    },
    delete: async (id) => ((await db.delete(models).where(eq(models.id, id))).rowCount ?? 0) > 0,
  };
}
