import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { SUPPORTED_EXTENSIONS } from '../../data/loaders/index.ts';
import { WeirError } from '../../errors.ts';
import { generateChatFlow } from '../../app/chat-flow.ts';
import type { IncomingFile } from '../../app/data/ingest-jobs.ts';
import type { JobEvent } from '../../app/data/ingest-progress.ts';
import type { Workspace } from '../../app/workspace.ts';
import type { DataChunkRow, DataDocumentRow, DataIndexRow } from '../../store/data-types.ts';
import { readJson } from '../body.ts';
import { SseFeed } from '../sse.ts';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const Mode = z.enum(['vector', 'keyword', 'hybrid']);
const Tags = z.array(z.string().trim().min(1).max(64)).max(32);

const CreateBody = z
  .object({
    name: z.string().min(1).max(63),
    embedding_model: z.string().min(1).max(200).optional(),
    chunk_tokens: z.number().int().optional(),
    overlap_tokens: z.number().int().optional(),
  })
  .strict();

const ReindexBody = z
  .object({ embedding_model: z.string().min(1).max(200), chunk_tokens: z.number().int().optional(), overlap_tokens: z.number().int().optional() })
  .strict();

const SearchBody = z
  .object({
    query: z.string().max(10_000).optional(),
    vector: z.array(z.number()).min(1).max(8192).optional(),
    top_k: z.number().int().min(1).max(100).default(4),
    mode: Mode.optional(),
    threshold: z.number().min(-1).max(1).optional(),
    sources: z.array(z.string().min(1)).max(1000).optional(),
    tags: Tags.optional(),
  })
  .strict();

/** JSON uploads for apps and the editor: text files without multipart. */
const JsonDocuments = z
  .object({
    documents: z.array(z.object({ name: z.string().min(1), content: z.string() }).strict()).min(1),
    text_field: z.string().optional(),
    tags: Tags.optional(),
  })
  .strict();

const ChatFlowBody = z
  .object({ deployment: z.string().min(1).max(63).optional(), flow: z.string().min(1).max(128).optional(), replace: z.boolean().default(false) })
  .strict();

function documentJson(d: DataDocumentRow) {
  return { name: d.name, format: d.format, title: d.title, bytes: d.bytes, chunks: d.chunks, tags: d.tags, sha256: d.hash, added_at: iso(d.addedAt) };
}

function chunkJson(c: DataChunkRow) {
  return { id: c.id, index: c.idx, text: c.text, title: c.title, heading_path: c.headingPath, page: c.page, start: c.start, end: c.end, tokens: c.tokens, ...(c.metadata ? { metadata: c.metadata } : {}) };
}

/** A query string number, checked like a body field. */
function queryNumber(c: Context, name: string, o: { int?: boolean; min: number; max: number }): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || (o.int && !Number.isInteger(n)) || n < o.min || n > o.max) {
    throw new WeirError('invalid_request', `${name} must be ${o.int ? 'an integer' : 'a number'} from ${o.min} to ${o.max}, got "${raw}"`, { status: 400, path: [name] });
  }
  return n;
}

/** Data indexes: create, inspect, add documents (jobs with progress), search, and the chat flow. */
export function indexRoutes(ws: Workspace): Hono {
  const app = new Hono();
  const data = ws.data;

  const indexJson = async (row: DataIndexRow) => {
    const s = await data.stats(row.name);
    const last = await data.lastJob(row.name);
    return {
      name: row.name, embedding_model: row.embeddingModel, dimensions: row.dims, chunk_tokens: row.chunkTokens, overlap_tokens: row.overlapTokens,
      documents: s.documents, chunks: s.chunks, tokens: s.tokens, source_bytes: s.bytes, disk_bytes: await data.diskBytes(row.name),
      created_at: iso(row.createdAt), built_at: iso(row.builtAt),
      last_job: last ? await data.jobs.get(last.id) : null,
    };
  };

  app.get('/', async (c) => c.json({ data: await Promise.all((await data.list()).map(indexJson)) }));

  app.post('/', async (c) => {
    const b = await readJson(c, CreateBody);
    const row = await data.create({ name: b.name, embeddingModel: b.embedding_model, chunkTokens: b.chunk_tokens, overlapTokens: b.overlap_tokens });
    return c.json(await indexJson(row), 201);
  });

  app.get('/:name', async (c) => c.json(await indexJson(await data.get(c.req.param('name')))));

  app.delete('/:name', async (c) => {
    await data.delete(c.req.param('name'));
    return c.body(null, 204);
  });

  app.get('/:name/documents', async (c) => {
    const name = (await data.get(c.req.param('name'))).name;
    return c.json({ data: (await data.documents(name)).map(documentJson) });
  });

  app.post('/:name/documents', async (c) => {
    const name = (await data.get(c.req.param('name'))).name;
    const { files, textField, tags } = await readUpload(c);
    const view = await data.jobs.enqueue(name, files, { textField, tags });
    const wait = c.req.query('wait');
    if (wait === 'true' || wait === '1') return c.json(await data.jobs.wait(view.id), 200);
    c.header('location', `/api/indexes/${name}/jobs/${view.id}`);
    return c.json(view, 202);
  });

  // Document names are relative paths (folders added whole), so they may hold slashes.
  app.get('/:name/documents/:document{.+}', async (c) => {
    const name = (await data.get(c.req.param('name'))).name;
    const found = await data.document(name, c.req.param('document'));
    if (!found) throw new WeirError('document_not_found', `document "${c.req.param('document')}" not found in index "${name}"`, { status: 404 });
    return c.json({ ...documentJson(found.document), chunk_list: found.chunks.map(chunkJson) });
  });

  app.delete('/:name/documents/:document{.+}', async (c) => {
    const name = c.req.param('name');
    if (!(await data.deleteDocument(name, c.req.param('document')))) {
      throw new WeirError('document_not_found', `document "${c.req.param('document')}" not found in index "${name}"`, { status: 404 });
    }
    return c.body(null, 204);
  });

  app.get('/:name/search', async (c) => {
    const name = c.req.param('name');
    const q = c.req.query('q');
    if (q === undefined) throw new WeirError('invalid_request', 'q is required: the text to search for', { status: 400, path: ['q'] });
    if (q.length > 10_000) throw new WeirError('invalid_request', 'q is longer than 10000 characters', { status: 400, path: ['q'] });
    const mode = c.req.query('mode');
    if (mode !== undefined && !Mode.safeParse(mode).success) throw new WeirError('invalid_request', `mode must be vector, keyword or hybrid, got "${mode}"`, { status: 400, path: ['mode'] });
    const hits = await data.search(name, q, {
      k: queryNumber(c, 'top_k', { int: true, min: 1, max: 100 }) ?? queryNumber(c, 'k', { int: true, min: 1, max: 100 }),
      mode: mode as z.infer<typeof Mode> | undefined,
      threshold: queryNumber(c, 'threshold', { min: -1, max: 1 }),
      sources: c.req.queries('source'),
      tags: c.req.queries('tag'),
    });
    return c.json({ data: hits });
  });

  app.post('/:name/search', async (c) => {
    const b = await readJson(c, SearchBody);
    if ((b.query === undefined) === (b.vector === undefined)) throw new WeirError('invalid_request', 'give either query (text) or vector', { status: 400, path: ['query'] });
    const hits = await data.search(c.req.param('name'), b.query ?? b.vector!, { k: b.top_k, mode: b.mode ?? (b.vector ? 'vector' : 'hybrid'), threshold: b.threshold, sources: b.sources, tags: b.tags });
    return c.json({ data: hits });
  });

  app.post('/:name/reindex', async (c) => {
    const b = await readJson(c, ReindexBody);
    const view = await data.jobs.reindex(c.req.param('name'), { embeddingModel: b.embedding_model, chunkTokens: b.chunk_tokens, overlapTokens: b.overlap_tokens });
    c.header('location', `/api/indexes/${view.index}/jobs/${view.id}`);
    return c.json(view, 202);
  });

  app.get('/:name/jobs', async (c) => c.json({ data: await data.jobs.list(c.req.param('name')) }));

  const jobOf = async (c: Context) => {
    const view = await data.jobs.get(c.req.param('id')!);
    if (view.index !== c.req.param('name')) throw new WeirError('job_not_found', `ingestion job "${c.req.param('id')}" not found in index "${c.req.param('name')}"`, { status: 404 });
    return view;
  };

  app.get('/:name/jobs/:id', async (c) => c.json(await jobOf(c)));
  app.delete('/:name/jobs/:id', async (c) => c.json(await data.jobs.cancel((await jobOf(c)).id)));

  // Opens with the job as it stands (so a reconnect loses nothing), then its live events to `done`.
  app.get('/:name/jobs/:id/events', async (c) => {
    const view = await jobOf(c);
    const feed = new SseFeed();
    const stop = data.jobs.watch(view.id, (e: JobEvent) => {
      feed.push(e);
      if (e.event === 'done') feed.end();
    });
    return feed.respond(c, stop);
  });

  app.post('/:name/chat-flow', async (c) => {
    const b = await readJson(c, ChatFlowBody);
    const r = await generateChatFlow(ws, c.req.param('name'), b);
    return c.json({ flow: r.flow.name, deployment: r.deployment, created_deployment: r.createdDeployment, source: r.flow.source, definition: r.flow.definition }, 201);
  });

  return app;
}

/** Multipart (any number of file fields, plus text_field and tags) or a JSON list of text documents. */
async function readUpload(c: Context): Promise<{ files: IncomingFile[]; textField?: string; tags?: string[] }> {
  const type = c.req.header('content-type') ?? '';
  if (/application\/json/i.test(type)) {
    const b = await readJson(c, JsonDocuments);
    return { files: b.documents.map((d) => ({ name: d.name, bytes: new TextEncoder().encode(d.content) })), textField: b.text_field, tags: b.tags };
  }
  if (!/multipart\/form-data/i.test(type)) {
    throw new WeirError('unsupported_media_type', `send files as multipart/form-data (or JSON {"documents":[{"name","content"}]}); got "${type || 'no content type'}"`, { status: 415 });
  }
  let form: Record<string, string | File | (string | File)[]>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch (err) {
    throw new WeirError('invalid_multipart', `the multipart body could not be read: ${(err as Error).message}`, { status: 400, cause: err });
  }
  const files: IncomingFile[] = [];
  let textField: string | undefined;
  const tags: string[] = [];
  for (const [field, value] of Object.entries(form)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v !== 'string') files.push({ name: v.name || field, bytes: new Uint8Array(await v.arrayBuffer()) });
      else if (field === 'text_field') textField = v;
      else if (field === 'tags' || field === 'tag') tags.push(...v.split(',').map((t) => t.trim()).filter(Boolean));
      else throw new WeirError('invalid_request', `unknown form field "${field}": send files, text_field and tags`, { status: 400, path: [field] });
    }
  }
  if (!files.length) throw new WeirError('no_files', `the form has no files; supported types: ${SUPPORTED_EXTENSIONS.join(', ')}`, { status: 400, path: ['files'] });
  return { files, textField, tags: tags.length ? tags : undefined };
}
