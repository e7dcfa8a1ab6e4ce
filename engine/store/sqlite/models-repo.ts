import { asc, eq } from 'drizzle-orm';
import type { Db } from './db.ts';
import { models } from './schema.ts';
import type { Store } from '../types.ts';
import type { Sync } from './async.ts';

export function modelsRepo(db: Db): Sync<Store['models']> {
  return {
    list: () => db.select().from(models).orderBy(asc(models.id)).all().map((r) => r.entry),
    get: (id) => db.select().from(models).where(eq(models.id, id)).get()?.entry,
    put: (entry) => {
      db.insert(models).values({ id: entry.id, entry, createdAt: Date.now() }).onConflictDoUpdate({ target: models.id, set: { entry } }).run();
    },
    delete: (id) => db.delete(models).where(eq(models.id, id)).run().changes > 0,
  };
}
