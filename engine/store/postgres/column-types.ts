/** Column types both halves of the Postgres schema use. */
import { bigint, customType } from 'drizzle-orm/pg-core';
import { toJsonText } from '../sqlite/json.ts';

/** bigint in the database (epoch ms, byte sizes, counters), a JS number: safe up to 2^53. */
export const int8 = (name: string) => bigint(name, { mode: 'number' });

/**
 * JSON for values that come from users and nodes (run inputs, outputs, traces, events). It never
 * throws on BigInt or cycles: those become a note, as in the SQLite store.
 */
export const userJson = customType<{ data: unknown; driverData: unknown }>({
  dataType: () => 'json',
  toDriver: (value) => toJsonText(value),
  // node-postgres parses json columns itself: a string here is a JSON string value, not JSON text.
  fromDriver: (value) => value,
});

export const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** Never selected: only searched (see data-repo.ts). */
export const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
