/**
 * Data indexes on Postgres: documents, chunks and their full text.
 *
 * Keyword search, and how it differs from the SQLite store's FTS5/BM25:
 * - Same query semantics: the user's words (letters and digits, lower-cased, at most 64) OR-ed
 *   together, whole words only (no prefix matching), no operator of the search box reaching the
 *   query language. Each word is stemmed as the text was (Snowball English here, Porter there), so
 *   "flooding" finds "floods" on both.
 * - The text is indexed as a stored generated `tsvector` column (title, then text) with a GIN index;
 *   Postgres keeps it current on every insert and update, as FTS5's triggers do.
 * - Ranking is `ts_rank_cd` (cover density: how many query words a chunk holds and how close
 *   together), normalised by 1 + log(chunk length), best first. BM25 also weighs each word by its
 *   rarity in the index (IDF) and saturates repeated words; ts_rank_cd knows no corpus statistics, so
 *   a common word counts as much as a rare one. Scores are on another scale (BM25 is unbounded,
 *   ts_rank_cd mostly below 1): only their order means anything, in either store.
 * - The English configuration drops stop words ("the", "which", "is") from text and query alike; FTS5
 *   keeps them. A query made only of stop words finds nothing here.
 * - Diacritics count ("café" does not find "cafe"); FTS5 folds them (remove_diacritics 2). Folding
 *   needs the unaccent extension, which not every managed Postgres lets a user create.
 */
import { and, asc, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import { WeirError } from '../../errors.ts';
import type { ChunkVector, DataChunkRow, DataDocumentRow, DataJobFileRow, DataJobRow, DataStore } from '../data-types.ts';
import { decodeVector, encodeVector } from '../vector-bytes.ts';
import { bytewise, pgCode, UNIQUE_VIOLATION, type Db } from './db.ts';
import { dataChunks, dataDocuments, dataFiles, dataIndexes, dataJobFiles, dataJobs, dataVectors, FTS_CONFIG } from './schema.ts';

/**
 * User text becomes a tsquery of its words OR-ed together: `river | flood`. Only letters and digits
 * are kept, so nothing of to_tsquery's syntax (& ! ( ) <-> : * ') can come from a search box.
 */
export function tsQueryText(text: string): string | undefined {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words?.length) return undefined;
  return [...new Set(words)].slice(0, 64).join(' | ');
}

/** Rows per multi-row insert: a statement holds at most 65535 parameters (chunks have 12 columns). */
const ROWS_PER_INSERT = 1000;
/** Vectors per insert: ~2 KB each (512-d), so a statement stays a few MB. */
const VECTORS_PER_INSERT = 500;

/** Every chunk column but the search vector. */
const chunkColumns = {
  id: dataChunks.id,
  index: dataChunks.index,
  document: dataChunks.document,
  idx: dataChunks.idx,
  text: dataChunks.text,
  title: dataChunks.title,
  headingPath: dataChunks.headingPath,
  page: dataChunks.page,
  start: dataChunks.start,
  end: dataChunks.end,
  tokens: dataChunks.tokens,
  hash: dataChunks.hash,
  metadata: dataChunks.metadata,
};

/** An array parameter (one parameter for any number of values). */
const list = <T>(values: T[], type: 'int8' | 'text') => sql`${sql.param(values)}::${sql.raw(type)}[]`;

export function dataRepo(db: Db): DataStore {
  type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
  const chunkIdsOf = async (q: Db | Tx, document: number) =>
    (await q.select({ id: dataChunks.id }).from(dataChunks).where(eq(dataChunks.document, document)).orderBy(asc(dataChunks.idx))).map((r) => r.id);
  /** Marks a commit to the index: its build time, and the next revision (returned). */
  const touch = async (q: Db | Tx, index: string) =>
    (await q.update(dataIndexes).set({ builtAt: Date.now(), revision: sql`${dataIndexes.revision} + 1` }).where(eq(dataIndexes.name, index)).returning({ revision: dataIndexes.revision }))[0]?.revision ?? 0;
  const vectorRows = (rows: { id: number; vector: Buffer }[]): ChunkVector[] => rows.map((r) => ({ id: r.id, vector: decodeVector(r.vector) }));
  const vectorColumns = { id: dataVectors.chunk, vector: dataVectors.vector };
  const insertVectors = async (tx: Tx, index: string, rows: { chunk: number; vector: Buffer }[]) => {
    for (let i = 0; i < rows.length; i += VECTORS_PER_INSERT) {
      const part = rows.slice(i, i + VECTORS_PER_INSERT).map((r) => ({ ...r, index }));
      await tx.insert(dataVectors).values(part).onConflictDoUpdate({ target: dataVectors.chunk, set: { vector: sql`excluded.vector` } });
    }
  };
  const findDocument = async (q: Db | Tx, index: string, name: string) =>
    (await q.select().from(dataDocuments).where(and(eq(dataDocuments.index, index), eq(dataDocuments.name, name))))[0];
  /**
   * Writers of one index queue on its row (SQLite has one writer at a time): two instances putting
   * the same document name at once replace each other in turn instead of one failing on the unique index.
   */
  const lockIndex = (tx: Tx, index: string) => tx.execute(sql`select 1 from ${dataIndexes} where ${dataIndexes.name} = ${index} for no key update`);
  /** Locks the index's row (as lockIndex) and returns its dimensions; index_not_found when it has none. */
  const lockDims = async (tx: Tx, index: string) => {
    const r = await tx.execute<{ dims: number }>(sql`select ${dataIndexes.dims} as dims from ${dataIndexes} where ${dataIndexes.name} = ${index} for no key update`);
    if (!r.rows.length) throw new WeirError('index_not_found', `data index "${index}" not found`, { status: 404 });
    return Number(r.rows[0].dims);
  };

  return {
    createIndex: async (row) => {
      try {
        return (await db.insert(dataIndexes).values({ ...row, createdAt: Date.now(), builtAt: null }).returning())[0];
      } catch (err) {
        if (pgCode(err) === UNIQUE_VIOLATION) throw new WeirError('index_exists', `data index "${row.name}" already exists`, { status: 409, path: ['name'], cause: err });
        throw err;
      }
    },
    getIndex: async (name) => (await db.select().from(dataIndexes).where(eq(dataIndexes.name, name)))[0],
    listIndexes: () => db.select().from(dataIndexes).orderBy(asc(bytewise(dataIndexes.name))),
    // Documents go by foreign-key cascade, their chunks (and so their full text and vectors) with them.
    deleteIndex: (name) =>
      db.transaction(async (tx) => {
        await tx.delete(dataChunks).where(eq(dataChunks.index, name));
        return ((await tx.delete(dataIndexes).where(eq(dataIndexes.name, name))).rowCount ?? 0) > 0;
      }),
    stats: async (name) => {
      const [d] = await db
        .select({ n: sql<number>`count(*)`.mapWith(Number), bytes: sql<number>`coalesce(sum(${dataDocuments.bytes}), 0)`.mapWith(Number) })
        .from(dataDocuments)
        .where(eq(dataDocuments.index, name));
      const [c] = await db
        .select({ n: sql<number>`count(*)`.mapWith(Number), tokens: sql<number>`coalesce(sum(${dataChunks.tokens}), 0)`.mapWith(Number) })
        .from(dataChunks)
        .where(eq(dataChunks.index, name));
      return { documents: d?.n ?? 0, bytes: d?.bytes ?? 0, chunks: c?.n ?? 0, tokens: c?.tokens ?? 0 };
    },
    listDocuments: (index) => db.select().from(dataDocuments).where(eq(dataDocuments.index, index)).orderBy(asc(bytewise(dataDocuments.name))),
    getDocument: (index, name) => findDocument(db, index, name),
    putDocument: (index, doc, chunks) =>
      db.transaction(async (tx) => {
        const dims = await lockDims(tx, index);
        // Checked before anything is written: a bad vector fails the whole document.
        const vectors = chunks.map((c) => (c.vector === null ? null : encodeVector(c.vector, dims)));
        const old = await findDocument(tx, index, doc.name);
        const replacedChunkIds = old ? await chunkIdsOf(tx, old.id) : [];
        if (old) await tx.delete(dataDocuments).where(eq(dataDocuments.id, old.id));
        const [document] = await tx.insert(dataDocuments).values({ ...doc, index, chunks: chunks.length, addedAt: Date.now() }).returning();
        const chunkIds: number[] = [];
        for (let i = 0; i < chunks.length; i += ROWS_PER_INSERT) {
          const part = chunks.slice(i, i + ROWS_PER_INSERT);
          const ids = await tx
            .insert(dataChunks)
            .values(part.map(({ vector: _, ...c }) => ({ ...c, page: c.page ?? null, metadata: c.metadata ?? null, index, document: document.id })))
            .returning({ id: dataChunks.id });
          // Identity values are drawn row by row in the order given, so ascending ids are that order.
          chunkIds.push(...ids.map((r) => r.id).sort((a, b) => a - b));
        }
        await insertVectors(tx, index, chunkIds.flatMap((chunk, i) => (vectors[i] ? [{ chunk, vector: vectors[i] }] : [])));
        return { document: document as DataDocumentRow, chunkIds, replacedChunkIds, revision: await touch(tx, index) };
      }),
    deleteDocument: (index, name) =>
      db.transaction(async (tx) => {
        await lockIndex(tx, index);
        const doc = await findDocument(tx, index, name);
        if (!doc) return undefined;
        const chunkIds = await chunkIdsOf(tx, doc.id);
        await tx.delete(dataDocuments).where(eq(dataDocuments.id, doc.id));
        return { chunkIds, revision: await touch(tx, index) };
      }),
    chunks: async (ids) =>
      ids.length
        ? ((await db.select(chunkColumns).from(dataChunks).where(sql`${dataChunks.id} = any(${list(ids, 'int8')})`).orderBy(asc(dataChunks.id))) as DataChunkRow[])
        : [],
    documentChunks: async (index, name) => {
      const doc = await findDocument(db, index, name);
      return doc ? ((await db.select(chunkColumns).from(dataChunks).where(eq(dataChunks.document, doc.id)).orderBy(asc(dataChunks.idx))) as DataChunkRow[]) : [];
    },
    chunkHashes: (index) => db.select({ id: dataChunks.id, hash: dataChunks.hash }).from(dataChunks).where(eq(dataChunks.index, index)).orderBy(asc(dataChunks.id)),
    vectorIds: async (index) => (await db.select({ id: dataVectors.chunk }).from(dataVectors).where(eq(dataVectors.index, index)).orderBy(asc(dataVectors.chunk))).map((r) => r.id),
    vectorPage: async (index, after, limit) =>
      vectorRows(await db.select(vectorColumns).from(dataVectors).where(and(eq(dataVectors.index, index), gt(dataVectors.chunk, after))).orderBy(asc(dataVectors.chunk)).limit(limit)),
    chunkVectors: async (index, ids) =>
      ids.length
        ? vectorRows(await db.select(vectorColumns).from(dataVectors).where(and(eq(dataVectors.index, index), sql`${dataVectors.chunk} = any(${list(ids, 'int8')})`)).orderBy(asc(dataVectors.chunk)))
        : [],
    unembeddedChunks: (index, after, limit) =>
      db
        .select({ id: dataChunks.id, hash: dataChunks.hash, text: dataChunks.text })
        .from(dataChunks)
        .where(and(eq(dataChunks.index, index), gt(dataChunks.id, after), sql`not exists (select 1 from ${dataVectors} where ${dataVectors.chunk} = ${dataChunks.id})`))
        .orderBy(asc(dataChunks.id))
        .limit(limit),
    setVectors: (index, items) =>
      db.transaction(async (tx) => {
        const dims = await lockDims(tx, index);
        const encoded = new Map(items.map((it) => [it.id, encodeVector(it.vector, dims, it.id)]));
        const present = encoded.size
          ? await tx.select({ id: dataChunks.id }).from(dataChunks).where(and(eq(dataChunks.index, index), sql`${dataChunks.id} = any(${list([...encoded.keys()], 'int8')})`)).orderBy(asc(dataChunks.id))
          : [];
        await insertVectors(tx, index, present.map(({ id }) => ({ chunk: id, vector: encoded.get(id)! })));
        return touch(tx, index);
      }),
    // The chunks' vectors go with them (foreign-key cascade).
    resetIndex: (name, settings) =>
      db.transaction(async (tx) => {
        await tx.update(dataIndexes).set(settings).where(eq(dataIndexes.name, name));
        await tx.delete(dataChunks).where(eq(dataChunks.index, name));
        await tx.update(dataDocuments).set({ chunks: 0 }).where(eq(dataDocuments.index, name));
        await touch(tx, name);
      }),
    createJob: (job, files) =>
      db.transaction(async (tx) => {
        const [row] = await tx.insert(dataJobs).values({ ...job, status: 'queued', createdAt: Date.now() }).returning();
        for (let i = 0; i < files.length; i += ROWS_PER_INSERT) {
          await tx.insert(dataJobFiles).values(files.slice(i, i + ROWS_PER_INSERT).map((f, j) => ({ ...f, job: job.id, seq: i + j, status: 'pending' })));
        }
        return row as DataJobRow;
      }),
    getJob: async (id) => (await db.select().from(dataJobs).where(eq(dataJobs.id, id)))[0] as DataJobRow | undefined,
    listJobs: async (index, limit) =>
      (await db.select().from(dataJobs).where(eq(dataJobs.index, index)).orderBy(desc(dataJobs.createdAt), desc(bytewise(dataJobs.id))).limit(limit)) as DataJobRow[],
    unfinishedJobs: async () =>
      (await db.select().from(dataJobs).where(inArray(dataJobs.status, ['queued', 'running'])).orderBy(asc(dataJobs.createdAt), asc(bytewise(dataJobs.id)))) as DataJobRow[],
    jobFiles: async (id) => (await db.select().from(dataJobFiles).where(eq(dataJobFiles.job, id)).orderBy(asc(dataJobFiles.seq))) as DataJobFileRow[],
    updateJob: async (id, patch) => {
      const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      if (Object.keys(set).length) await db.update(dataJobs).set(set).where(eq(dataJobs.id, id));
    },
    finishJobFile: async (job, seq, outcome) => {
      await db.update(dataJobFiles).set(outcome).where(and(eq(dataJobFiles.job, job), eq(dataJobFiles.seq, seq)));
    },
    referencedHashes: async (index) => {
      const docs = await db.select({ hash: dataDocuments.hash }).from(dataDocuments).where(eq(dataDocuments.index, index));
      const pending = await db
        .select({ hash: dataJobFiles.hash })
        .from(dataJobFiles)
        .innerJoin(dataJobs, eq(dataJobs.id, dataJobFiles.job))
        .where(and(eq(dataJobs.index, index), eq(dataJobFiles.status, 'pending'), inArray(dataJobs.status, ['queued', 'running'])));
      return new Set([...docs, ...pending].map((r) => r.hash));
    },
    chunkIdsByHash: async (index, hashes) => {
      if (!hashes.length) return new Map();
      const rows = await db
        .select({ id: dataChunks.id, hash: dataChunks.hash })
        .from(dataChunks)
        .where(and(eq(dataChunks.index, index), sql`${dataChunks.hash} = any(${list(hashes, 'text')})`))
        .orderBy(asc(dataChunks.id));
      return new Map(rows.map((r) => [r.hash, r.id]));
    },
    keywordSearch: async (index, query, k, documents) => {
      const q = tsQueryText(query);
      if (!q) return [];
      if (documents && !documents.length) return [];
      const only = documents ? sql` and c."document" = any(${list(documents.map((d) => Math.trunc(Number(d))), 'int8')})` : sql``;
      // LIMIT null is no limit, as a negative LIMIT is in SQLite.
      const limit = k >= 0 ? Math.trunc(k) : null;
      const result = await db.execute<{ id: string; score: number }>(
        sql`select c."id" as id, ts_rank_cd(c."tsv", q, 1) as score
            from ${dataChunks} c, to_tsquery(${sql.raw(`'${FTS_CONFIG}'`)}::regconfig, ${q}) q
            where c."tsv" @@ q and c."index" = ${index}${only}
            order by score desc, c."id" limit ${limit}`,
      );
      return result.rows.map((r) => ({ id: Number(r.id), score: Number(r.score) }));
    },
    documentNames: async (ids) => {
      if (!ids.length) return new Map();
      const rows = await db.select({ id: dataDocuments.id, name: dataDocuments.name }).from(dataDocuments).where(sql`${dataDocuments.id} = any(${list(ids, 'int8')})`);
      return new Map(rows.map((d) => [d.id, d.name]));
    },
    chunkIdsOfDocuments: async (documents) =>
      documents.length
        ? (
            await db
              .select({ id: dataChunks.id })
              .from(dataChunks)
              .where(sql`${dataChunks.document} = any(${list(documents, 'int8')})`)
              .orderBy(asc(dataChunks.document), asc(dataChunks.idx))
          ).map((r) => r.id)
        : [],
    putFile: async (index, hash, bytes) => {
      await db.insert(dataFiles).values({ index, hash, bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), createdAt: Date.now() }).onConflictDoNothing();
    },
    readFile: async (index, hash) => {
      const [r] = await db.select({ bytes: dataFiles.bytes }).from(dataFiles).where(and(eq(dataFiles.index, index), eq(dataFiles.hash, hash)));
      return r && new Uint8Array(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
    },
    hasFiles: async (index, hashes) => {
      if (!hashes.length) return new Set();
      const rows = await db.select({ hash: dataFiles.hash }).from(dataFiles).where(and(eq(dataFiles.index, index), sql`${dataFiles.hash} = any(${list(hashes, 'text')})`));
      return new Set(rows.map((r) => r.hash));
    },
    pruneFiles: async (index, keep) => {
      const gone = (await db.select({ hash: dataFiles.hash }).from(dataFiles).where(eq(dataFiles.index, index))).map((r) => r.hash).filter((h) => !keep.has(h));
      if (gone.length) await db.delete(dataFiles).where(and(eq(dataFiles.index, index), sql`${dataFiles.hash} = any(${list(gone, 'text')})`));
      return gone.length;
    },
  };
}
