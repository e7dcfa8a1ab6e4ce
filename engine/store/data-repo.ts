import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { WeirError } from '../errors.ts';
import type { DataChunkRow, DataStore } from './data-types.ts';
import { IMMEDIATE, sqliteCode, type Db } from './db.ts';
import { dataChunks, dataDocuments, dataIndexes } from './schema.ts';

/**
 * User text becomes an FTS5 query of its words OR-ed together, each quoted: FTS5's own syntax
 * (NEAR, column filters, quotes, `-`) must never be reachable from a search box.
 */
export function ftsQuery(text: string): string | undefined {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words?.length) return undefined;
  return [...new Set(words)].slice(0, 64).map((w) => `"${w}"`).join(' OR ');
}

const SQLITE_MAX_PARAMS = 900;

function inChunks<T, R>(items: T[], f: (part: T[]) => R[]): R[] {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += SQLITE_MAX_PARAMS) out.push(...f(items.slice(i, i + SQLITE_MAX_PARAMS)));
  return out;
}

export function dataRepo(db: Db): DataStore {
  const chunkIdsOf = (document: number) => db.select({ id: dataChunks.id }).from(dataChunks).where(eq(dataChunks.document, document)).orderBy(asc(dataChunks.idx)).all().map((r) => r.id);
  const touch = (index: string) => db.update(dataIndexes).set({ builtAt: Date.now() }).where(eq(dataIndexes.name, index)).run();

  return {
    createIndex: (row) => {
      try {
        return db.insert(dataIndexes).values({ ...row, createdAt: Date.now(), builtAt: null }).returning().get();
      } catch (err) {
        if (sqliteCode(err) === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new WeirError('index_exists', `data index "${row.name}" already exists`, { status: 409, path: ['name'], cause: err });
        throw err;
      }
    },
    getIndex: (name) => db.select().from(dataIndexes).where(eq(dataIndexes.name, name)).get(),
    listIndexes: () => db.select().from(dataIndexes).orderBy(asc(dataIndexes.name)).all(),
    // Documents go by foreign-key cascade, their chunks with them, and the FTS rows by trigger.
    deleteIndex: (name) =>
      db.transaction(() => {
        db.delete(dataChunks).where(eq(dataChunks.index, name)).run();
        return db.delete(dataIndexes).where(eq(dataIndexes.name, name)).run().changes > 0;
      }, IMMEDIATE),
    stats: (name) => {
      const d = db.select({ n: sql<number>`count(*)`, bytes: sql<number>`coalesce(sum(${dataDocuments.bytes}), 0)` }).from(dataDocuments).where(eq(dataDocuments.index, name)).get();
      const c = db.select({ n: sql<number>`count(*)`, tokens: sql<number>`coalesce(sum(${dataChunks.tokens}), 0)` }).from(dataChunks).where(eq(dataChunks.index, name)).get();
      return { documents: d?.n ?? 0, bytes: d?.bytes ?? 0, chunks: c?.n ?? 0, tokens: c?.tokens ?? 0 };
    },
    listDocuments: (index) => db.select().from(dataDocuments).where(eq(dataDocuments.index, index)).orderBy(asc(dataDocuments.name)).all(),
    getDocument: (index, name) => db.select().from(dataDocuments).where(and(eq(dataDocuments.index, index), eq(dataDocuments.name, name))).get(),
    putDocument: (index, doc, chunks) =>
      db.transaction(() => {
        const old = db.select().from(dataDocuments).where(and(eq(dataDocuments.index, index), eq(dataDocuments.name, doc.name))).get();
        const replacedChunkIds = old ? chunkIdsOf(old.id) : [];
        if (old) db.delete(dataDocuments).where(eq(dataDocuments.id, old.id)).run();
        const document = db.insert(dataDocuments).values({ ...doc, index, chunks: chunks.length, addedAt: Date.now() }).returning().get();
        const chunkIds = chunks.map(
          (c) => db.insert(dataChunks).values({ ...c, page: c.page ?? null, index, document: document.id }).returning({ id: dataChunks.id }).get().id,
        );
        touch(index);
        return { document, chunkIds, replacedChunkIds };
      }, IMMEDIATE),
    deleteDocument: (index, name) =>
      db.transaction(() => {
        const doc = db.select().from(dataDocuments).where(and(eq(dataDocuments.index, index), eq(dataDocuments.name, name))).get();
        if (!doc) return undefined;
        const ids = chunkIdsOf(doc.id);
        db.delete(dataDocuments).where(eq(dataDocuments.id, doc.id)).run();
        touch(index);
        return ids;
      }, IMMEDIATE),
    chunks: (ids) => inChunks(ids, (part) => db.select().from(dataChunks).where(inArray(dataChunks.id, part)).all() as DataChunkRow[]),
    chunkIdsByHash: (index, hashes) =>
      new Map(
        inChunks(hashes, (part) => db.select({ id: dataChunks.id, hash: dataChunks.hash }).from(dataChunks).where(and(eq(dataChunks.index, index), inArray(dataChunks.hash, part))).all()).map((r) => [r.hash, r.id]),
      ),
    keywordSearch: (index, query, k) => {
      const q = ftsQuery(query);
      if (!q) return [];
      // bm25() is lower-is-better (negative); the API's scores are higher-is-better.
      return db
        .all<{ id: number; score: number }>(
          sql`SELECT c.id AS id, -bm25(data_chunks_fts) AS score FROM data_chunks_fts JOIN data_chunks c ON c.id = data_chunks_fts.rowid
              WHERE data_chunks_fts MATCH ${q} AND c."index" = ${index} ORDER BY bm25(data_chunks_fts) LIMIT ${k}`,
        );
    },
  };
}
