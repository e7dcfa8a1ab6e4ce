/**
 * `weir data …`: data indexes from the command line, on the same data folder `weir serve` uses
 * (a running server picks up what is added here). `add` walks folders, stages each file, and
 * shows the job's progress as a bar; a job cut short (Ctrl-C, a crash) resumes at the next `add`
 * or server start.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_FILE_BYTES } from '../data/loaders/index.ts';
import { WeirError } from '../errors.ts';
import type { NodeRegistry } from '../registry.ts';
import { generateChatFlow } from '../app/chat-flow.ts';
import type { JobProgress, JobView } from '../app/data/ingest-progress.ts';
import type { Workspace } from '../app/workspace.ts';
import { openCliWorkspace } from './cli-workspace.ts';
import type { Io } from './commands.ts';

const USAGE = 'usage: weir data add|list|show|search|rm|reindex|chat-flow … (try: weir help)';

export async function dataCommand(args: string[], io: Io, registry: NodeRegistry, opts: { isTty?: boolean } = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      index: { type: 'string' },
      tag: { type: 'string', multiple: true },
      'text-field': { type: 'string' },
      'embedding-model': { type: 'string' },
      'chunk-tokens': { type: 'string' },
      'overlap-tokens': { type: 'string' },
      mode: { type: 'string' },
      'top-k': { type: 'string' },
      deployment: { type: 'string' },
      flow: { type: 'string' },
      replace: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const [sub, ...rest] = positionals;
  if (!sub) throw new WeirError('invalid_argument', USAGE);
  const { ws, store, close } = await openCliWorkspace(registry, values['data-dir'], { ingest: true });
  const int = (flag: 'chunk-tokens' | 'overlap-tokens' | 'top-k') => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new WeirError('invalid_argument', `--${flag} ${raw}: expected a whole number`);
    return n;
  };
  const json = (v: unknown) => io.out(JSON.stringify(v, null, 2) + '\n');
  try {
    switch (sub) {
      case 'add': {
        const index = values.index ?? fail('weir data add <files|folders…> --index <name>');
        if (!rest.length) fail('weir data add <files|folders…> --index <name>');
        if (!(await store.data.getIndex(index))) {
          await ws.data.create({ name: index, embeddingModel: values['embedding-model'], chunkTokens: int('chunk-tokens'), overlapTokens: int('overlap-tokens') });
          io.out(`created data index "${index}" (embedding model ${(await store.data.getIndex(index))!.embeddingModel})\n`);
        }
        for (const left of (await ws.data.jobs.resume()).filter((j) => j.index === index)) {
          io.out(`resuming an unfinished job (${left.files.done}/${left.files.total} files done)\n`);
          await follow(ws, left.id, io, opts.isTty);
        }
        const staged = await stage(ws, index, rest);
        io.out(`adding ${staged.length} file(s) to "${index}"\n`);
        const job = await ws.data.jobs.enqueueStaged(index, staged, { tags: values.tag, textField: values['text-field'] });
        const done = await follow(ws, job.id, io, opts.isTty);
        if (values.json) json(done);
        return done.status === 'succeeded' ? (done.files.failed ? 1 : 0) : 2;
      }
      case 'list': {
        const rows = await Promise.all((await ws.data.list()).map(async (i) => ({ name: i.name, embedding_model: i.embeddingModel, ...(await store.data.stats(i.name)), built_at: i.builtAt && new Date(i.builtAt).toISOString() })));
        if (values.json) json(rows);
        else if (!rows.length) io.out('no data indexes yet: weir data add <folder> --index <name>\n');
        else for (const r of rows) io.out(`${r.name.padEnd(24)} ${String(r.documents).padStart(6)} docs ${String(r.chunks).padStart(8)} chunks  ${r.embedding_model}  ${r.built_at ?? 'empty'}\n`);
        return 0;
      }
      case 'show': {
        const index = await ws.data.get(one(rest, 'weir data show <index>'));
        const docs = await store.data.listDocuments(index.name);
        const s = await store.data.stats(index.name);
        if (values.json) {
          json({ ...index, ...s, documents: docs });
          return 0;
        }
        io.out(`${index.name}: ${s.documents} documents, ${s.chunks} chunks, ${s.tokens} tokens, ${mb(s.bytes)} of source\n`);
        io.out(`embedding model ${index.embeddingModel} (${index.dims}-d), chunks of ${index.chunkTokens} tokens with ${index.overlapTokens} overlap\n`);
        for (const d of docs) io.out(`  ${d.name}  ${d.format}  ${d.chunks} chunks  ${mb(d.bytes)}${d.tags.length ? `  [${d.tags.join(', ')}]` : ''}\n`);
        return 0;
      }
      case 'search': {
        const [index, ...words] = rest;
        if (!index || !words.length) fail('weir data search <index> <query…> [--mode vector|keyword|hybrid] [--top-k n]');
        const mode = values.mode;
        if (mode !== undefined && !['vector', 'keyword', 'hybrid'].includes(mode)) throw new WeirError('invalid_argument', `--mode ${mode}: expected vector, keyword or hybrid`);
        const hits = await ws.data.search(index, words.join(' '), { k: int('top-k'), mode: mode as 'vector' | undefined, tags: values.tag });
        if (values.json) json(hits);
        else hits.forEach((h, i) => io.out(`[${i + 1}] ${h.source}${h.heading_path.length ? ` › ${h.heading_path.join(' › ')}` : ''}${h.page ? ` (p. ${h.page})` : ''}  score ${h.score.toFixed(3)}\n    ${h.text.replace(/\s+/g, ' ').slice(0, 200)}\n`));
        return 0;
      }
      case 'rm': {
        const [index, document] = rest;
        if (!index) fail('weir data rm <index> [document]');
        if (document === undefined) {
          await ws.data.delete(index);
          io.out(`deleted data index "${index}"\n`);
        } else {
          if (!(await ws.data.deleteDocument(index, document))) throw new WeirError('document_not_found', `document "${document}" not found in index "${index}"`);
          io.out(`deleted "${document}" from "${index}"\n`);
        }
        return 0;
      }
      case 'reindex': {
        const index = one(rest, 'weir data reindex <index> --embedding-model <id> [--chunk-tokens n] [--overlap-tokens n]');
        const model = values['embedding-model'] ?? (await ws.data.get(index)).embeddingModel;
        const job = await ws.data.jobs.reindex(index, { embeddingModel: model, chunkTokens: int('chunk-tokens'), overlapTokens: int('overlap-tokens') });
        const done = await follow(ws, job.id, io, opts.isTty);
        return done.status === 'succeeded' ? 0 : 2;
      }
      case 'chat-flow': {
        const index = one(rest, 'weir data chat-flow <index> [--deployment d] [--flow name] [--replace]');
        const r = await generateChatFlow(ws, index, { deployment: values.deployment, flow: values.flow, replace: values.replace });
        io.out(`saved flow "${r.flow.name}" answering from "${index}" with deployment "${r.deployment}"${r.createdDeployment ? ' (created, default chat model)' : ''}\n`);
        io.out(`publish and deploy it: POST /api/flows/${r.flow.name}/publish, then POST /api/deployments {"name": "...", "flow": "${r.flow.name}"}\n`);
        return 0;
      }
      default:
        throw new WeirError('invalid_argument', `unknown data command "${sub}" (${USAGE})`);
    }
  } finally {
    await close();
  }
}

function fail(usage: string): never {
  throw new WeirError('invalid_argument', `usage: ${usage}`);
}

function one(rest: string[], usage: string): string {
  if (rest.length !== 1) fail(usage);
  return rest[0];
}

const mb = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} KB`);

/** Files and folders (walked, hidden entries skipped) staged one at a time, named relative to what was given. */
async function stage(ws: Workspace, index: string, paths: string[]): Promise<{ name: string; hash: string; bytes: number }[]> {
  const staged = ws.data.files(index);
  const found: { file: string; name: string; bytes: number }[] = [];
  const seen = new Set<string>();
  const add = (file: string, name: string) => {
    const size = statSync(file).size;
    if (size > MAX_FILE_BYTES) throw new WeirError('file_too_large', `${file} is ${size} bytes; the limit is ${MAX_FILE_BYTES} bytes`);
    const n = name.split(path.sep).join('/');
    if (seen.has(n)) return;
    seen.add(n);
    found.push({ file, name: n, bytes: size });
  };
  const walk = (dir: string, base: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full, base);
      else if (e.isFile()) add(full, path.relative(base, full));
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new WeirError('file_not_found', `${p}: no such file or folder`);
    }
    if (st.isDirectory()) walk(p, p);
    else add(p, path.basename(p));
  }
  if (!found.length) throw new WeirError('no_files', `no files found in ${paths.join(', ')}`);
  // One file in memory at a time, whatever the folder's size.
  const out: { name: string; hash: string; bytes: number }[] = [];
  for (const f of found) out.push({ name: f.name, hash: await staged.put(readFileSync(f.file)), bytes: f.bytes });
  return out;
}

/** Shows a job to its end: a redrawn bar on a terminal, a line per file otherwise. */
async function follow(ws: Workspace, id: string, io: Io, isTty = false): Promise<JobView> {
  let last = '';
  const bar = (v: JobView) => {
    const width = 24;
    const filled = Math.round((v.percent / 100) * width);
    const rate = v.rate ? `  ${v.rate.mb_per_min} MB/min  ${v.rate.chunks_per_s} chunks/s` : '';
    const eta = v.eta_s !== null ? `  ETA ${Math.floor(v.eta_s / 60)}:${String(v.eta_s % 60).padStart(2, '0')}` : '';
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${v.percent.toFixed(1).padStart(5)}%  ${v.files.done}/${v.files.total} files  ${v.chunks} chunks${rate}${eta}`;
  };
  const onEvent = (e: Parameters<Parameters<JobProgress['on']>[1]>[0]) => {
    if (e.event === 'waiting') io.out(`waiting: ${e.data.reason}\n`);
    if (e.event === 'file') {
      const f = e.data;
      if (isTty) io.out('\r\x1b[K');
      if (f.status === 'failed') io.out(`skipped ${f.name}: ${f.error?.message}\n`);
      else if (!isTty) io.out(`${f.status.padEnd(9)} ${f.name} (${f.chunks} chunks)\n`);
    }
    if (e.event === 'progress' && isTty) {
      const line = bar(e.data);
      if (line !== last) io.out(`\r\x1b[K${line}`);
      last = line;
    }
  };
  let live: JobProgress | undefined;
  const done = await ws.data.jobs.wait(id, (p) => {
    live = p;
    p.on('event', onEvent);
  });
  live?.off('event', onEvent);
  if (isTty) io.out('\r\x1b[K');
  io.out(`${bar(done)}\n${done.status}: ${done.files.done - done.files.failed} file(s) indexed, ${done.files.failed} skipped, ${done.chunks} chunks\n`);
  return done;
}
