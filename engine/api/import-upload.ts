/**
 * An import's upload (a zip, or a folder sent as multipart files) read into the in-memory file map
 * the prompt flow importer takes: `/`-separated paths as in the upload, text files decoded as UTF-8.
 * Everything here is hostile input: sizes are counted as bytes arrive and as zip entries inflate
 * (a zip's own size fields can lie), and a path that is absolute or climbs out is refused by name.
 */
import JSZip from 'jszip';
import { WeirError } from '../errors.ts';

export interface UploadLimits {
  /** The request body. */
  bodyBytes: number;
  /** All files together, as inflated. */
  totalBytes: number;
  /** One file, as inflated. */
  fileBytes: number;
  files: number;
}

/** A prompt flow folder is a few dozen small files; data sets and images make the rest. */
export const UPLOAD_LIMITS: UploadLimits = { bodyBytes: 16 * 1024 * 1024, totalBytes: 32 * 1024 * 1024, fileBytes: 8 * 1024 * 1024, files: 1000 };

export interface UploadedFile {
  path: string;
  bytes: Uint8Array;
}

/** What the importer is given, and the name the upload suggests. */
export interface FlowFolder {
  /** Paths as in the upload (checked, `/`-separated), text files decoded. */
  files: Map<string, string | Uint8Array>;
  /** The flow folder's own name, when the upload shows it (a top folder in the zip, a picked folder). */
  folderName?: string;
  /** The flow file the folder was found by, as uploaded. */
  flowFile: string;
  /** Files left out as no flow's (caches, virtual environments …). */
  ignored: string[];
}

/**
 * Folders no flow needs, left out before anything is inflated or decoded: caches, virtual
 * environments, version control, and the macOS resource forks zips made on a Mac carry.
 */
const IGNORED_FOLDER = /^(?:__MACOSX|__pycache__|node_modules|\.venv|venv|\.git|\.promptflow|\.runs|\.mypy_cache|\.pytest_cache|\.idea|\.vscode)$/;
const IGNORED_FILE = /^(?:\.DS_Store|Thumbs\.db|\.env)$/;
/** Files the importer reads as text; anything else is handed over as bytes. */
const TEXT_FILE = /\.(?:ya?ml|py|jinja2?|j2|txt|md|json|jsonl|csv|toml|cfg|ini|prompty)$/i;
const FLOW_FILE = /(?:^|\/)flow\.(?:dag|flex)\.ya?ml$/;
const MAX_PATH = 512;

const tooMany = (n: number, limits: UploadLimits) =>
  new WeirError('import_too_many_files', `the import holds ${n} files; an import may hold at most ${limits.files}`, { status: 413, path: ['files'] });
const fileTooLarge = (name: string, limits: UploadLimits) =>
  new WeirError('import_file_too_large', `file "${name}" is larger than ${limits.fileBytes} bytes, the most one imported file may be`, { status: 413, path: [name] });
const totalTooLarge = (limits: UploadLimits) =>
  new WeirError('import_too_large', `the import's files come to more than ${limits.totalBytes} bytes once inflated, the most an import may be`, { status: 413, path: ['body'] });

/**
 * A path as sent, checked and made relative with forward slashes. Refused by name, not resolved:
 * `a/../../x` would land outside and `a/../b` would shadow `b`, so neither is guessed at.
 */
export function uploadPath(raw: string): string {
  const bad = (why: string) => new WeirError('import_unsafe_path', `file path "${raw.slice(0, MAX_PATH)}" ${why}`, { status: 400, path: [raw.slice(0, MAX_PATH)] });
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw bad('has control characters');
  const p = raw.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) throw bad('is absolute: send paths relative to the flow folder');
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.includes('..')) throw bad('climbs out of its folder (..)');
  if (!parts.length) throw bad('is empty');
  if (p.length > MAX_PATH) throw bad(`is longer than ${MAX_PATH} characters`);
  return parts.join('/');
}

const isIgnored = (path: string): boolean => {
  const parts = path.split('/');
  return parts.slice(0, -1).some((d) => IGNORED_FOLDER.test(d)) || IGNORED_FILE.test(parts[parts.length - 1]);
};

/** Reads a request body, refusing it as soon as it passes the cap (a chunked body declares no length). */
export async function readCapped(body: ReadableStream<Uint8Array> | null, limits: UploadLimits): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limits.bodyBytes) {
      await reader.cancel().catch(() => undefined);
      throw new WeirError('import_too_large', `the upload is larger than ${limits.bodyBytes} bytes, the most an import may be`, { status: 413, path: ['body'] });
    }
    chunks.push(value);
  }
  return concat(chunks, size);
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) (out.set(c, at), (at += c.byteLength));
  return out;
}

/** jszip's internal stream (untyped in its d.ts): chunks as they inflate, and a pause to stop it. */
interface InflateStream {
  on(event: 'data', fn: (chunk: Uint8Array) => void): InflateStream;
  on(event: 'error', fn: (err: Error) => void): InflateStream;
  on(event: 'end', fn: () => void): InflateStream;
  resume(): InflateStream;
  pause(): InflateStream;
}

/**
 * The entries of a zip. Each is inflated chunk by chunk and counted as it goes, and stopped at the
 * first chunk past a cap: a zip bomb's declared sizes are not trusted, only the bytes it yields.
 */
export async function readZip(bytes: Uint8Array, limits: UploadLimits): Promise<{ files: UploadedFile[]; ignored: string[] }> {
  const head = bytes.subarray(0, 4);
  // "PK\3\4" starts a zip with entries, "PK\5\6" an empty one.
  if (!(head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6)))) {
    throw new WeirError('import_not_zip', 'the body is not a zip archive: send a .zip of the flow folder (application/zip) or the folder\'s files as multipart/form-data', { status: 400, path: ['body'] });
  }
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes, { checkCRC32: false });
  } catch (err) {
    throw new WeirError('import_not_zip', `the zip archive cannot be read: ${(err as Error).message}`, { status: 400, path: ['body'], cause: err });
  }
  const entries = Object.values(zip.files).filter((e) => !e.dir);
  // Ignored entries are never inflated, but each still costs a path check: counted all the same, loosely.
  if (entries.length > limits.files * 10) throw tooMany(entries.length, limits);
  const ignored: string[] = [];
  const wanted: { path: string; entry: JSZip.JSZipObject }[] = [];
  for (const entry of entries) {
    const path = uploadPath(entry.unsafeOriginalName ?? entry.name);
    if (isIgnored(path)) ignored.push(path);
    else wanted.push({ path, entry });
  }
  if (wanted.length > limits.files) throw tooMany(wanted.length, limits);
  let total = 0;
  const files: UploadedFile[] = [];
  for (const { path, entry } of wanted) {
    const stream = (entry as unknown as { internalStream(type: 'uint8array'): InflateStream }).internalStream('uint8array');
    const content = await new Promise<Uint8Array>((resolve, reject) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      let stopped = false;
      const stop = (err: WeirError) => {
        stopped = true;
        stream.pause();
        reject(err);
      };
      stream
        .on('data', (chunk) => {
          if (stopped) return;
          size += chunk.byteLength;
          total += chunk.byteLength;
          if (size > limits.fileBytes) return stop(fileTooLarge(path, limits));
          if (total > limits.totalBytes) return stop(totalTooLarge(limits));
          chunks.push(chunk);
        })
        .on('error', (err) => !stopped && reject(new WeirError('import_not_zip', `zip entry "${path}" cannot be inflated: ${err.message}`, { status: 400, path: [path], cause: err })))
        .on('end', () => !stopped && resolve(concat(chunks, size)))
        .resume();
    });
    files.push({ path, bytes: content });
  }
  return { files, ignored };
}

/** Multipart files, each named by its path in the picked folder (the browser's webkitRelativePath). */
export function checkUploadedFiles(files: UploadedFile[], limits: UploadLimits): { files: UploadedFile[]; ignored: string[] } {
  const ignored: string[] = [];
  const kept: UploadedFile[] = [];
  let total = 0;
  for (const f of files) {
    const path = uploadPath(f.path);
    if (isIgnored(path)) {
      ignored.push(path);
      continue;
    }
    if (f.bytes.byteLength > limits.fileBytes) throw fileTooLarge(path, limits);
    total += f.bytes.byteLength;
    if (total > limits.totalBytes) throw totalTooLarge(limits);
    kept.push({ path, bytes: f.bytes });
  }
  if (kept.length > limits.files) throw tooMany(kept.length, limits);
  return { files: kept, ignored };
}

/**
 * The upload checked as one prompt flow: it must hold a flow.dag.yaml, and only one at the shallowest
 * depth (the importer takes the shallowest; two side by side would be a guess). The files keep their
 * paths in the upload, so `additional_includes: ../shared/x.py` of a zipped parent folder still
 * finds its file; the importer works out the flow folder the same way.
 */
export function flowFolder(upload: { files: UploadedFile[]; ignored: string[] }): FlowFolder {
  const seen = new Set<string>();
  for (const f of upload.files) {
    if (seen.has(f.path)) throw new WeirError('duplicate_file', `"${f.path}" appears twice in the import`, { status: 400, path: [f.path] });
    seen.add(f.path);
  }
  const hidden = (p: string) => p.split('/').some((s) => s.startsWith('.'));
  const flowFiles = upload.files.map((f) => f.path).filter((p) => FLOW_FILE.test(p) && !hidden(p));
  if (!flowFiles.length) {
    throw new WeirError('import_no_flow', `the import holds no flow.dag.yaml among its ${upload.files.length} file${upload.files.length === 1 ? '' : 's'}: pick the prompt flow's folder (the one with flow.dag.yaml)`, { status: 400, path: ['files'] });
  }
  const depth = (p: string) => p.split('/').length;
  const shallowest = Math.min(...flowFiles.map(depth));
  const top = flowFiles.filter((p) => depth(p) === shallowest);
  const dirOf = (p: string) => p.split('/').slice(0, -1).join('/');
  if (new Set(top.map(dirOf)).size > 1) {
    throw new WeirError('import_several_flows', `the import holds several flows (${top.join(', ')}): import one flow folder at a time`, { status: 400, path: ['files'] });
  }
  // A folder holding both flow.dag.yaml and flow.flex.yaml is one flow: the DAG is what imports.
  const flowFile = top.find((p) => /dag\.ya?ml$/.test(p)) ?? top[0];
  const root = dirOf(flowFile);
  const files = new Map<string, string | Uint8Array>();
  for (const f of upload.files) files.set(f.path, TEXT_FILE.test(f.path) ? decodeText(f.path, f.bytes) : f.bytes);
  return { files, folderName: root ? root.split('/').pop() : undefined, flowFile, ignored: upload.ignored };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(path: string, bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new WeirError('import_not_utf8', `file "${path}" is not UTF-8 text: save it as UTF-8 and import again`, { status: 400, path: [path] });
  }
}
