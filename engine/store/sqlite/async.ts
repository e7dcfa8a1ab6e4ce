/**
 * better-sqlite3 answers synchronously, and nothing is gained by making each SQLite repository
 * async by hand: each is written against the synchronous shape of its port and wrapped once here.
 * A throw becomes a rejection, as it would be from a server database.
 */
export type Sync<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K];
};

export function toAsync<T extends object>(repo: Sync<T>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(repo)) {
    out[key] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            try {
              return Promise.resolve(value(...args));
            } catch (err) {
              return Promise.reject(err);
            }
          }
        : value;
  }
  return out as T;
}
