import { asc, eq } from 'drizzle-orm';
import type { Db } from './db.ts';
import { quotaPools } from './schema.ts';
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
