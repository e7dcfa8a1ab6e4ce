import { getToken } from './token.ts';

/** An error answered by the server (`{"error":{code,message,param}}`) or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param?: string | null,
    /** The rest of the server's error object (e.g. `problems` of a flow that does not validate). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export type Listener = () => void;
const unauthorized = new Set<Listener>();
/** Called when the server refuses the token (the shell then asks for it again). */
export function onUnauthorized(fn: Listener): () => void {
  unauthorized.add(fn);
  return () => unauthorized.delete(fn);
}

/** Tells the shell the admin token was refused (for calls not made through `request`, e.g. XHR uploads). */
export function reportUnauthorized(): void {
  for (const fn of unauthorized) fn();
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Sent as is (FormData, YAML text …) instead of JSON. */
  raw?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** A key other than the admin token (calling a deployment as an app would). */
  key?: string;
}

export async function request(path: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  const key = opts.key ?? getToken();
  if (key) headers.authorization = `Bearer ${key}`;
  let body = opts.raw;
  if (opts.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method: opts.method ?? (body ? 'POST' : 'GET'), headers, body, signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', `cannot reach the Weir server (${(err as Error).message})`);
  }
  if (!res.ok) {
    const text = await res.text();
    let code = `http_${res.status}`;
    let message = text || res.statusText;
    let param: string | null | undefined;
    let details: Record<string, unknown> = {};
    try {
      const e = (JSON.parse(text) as { error?: { code?: string; message?: string; param?: string | null } }).error;
      if (e) ({ code = code, message = message, param, ...details } = e as { code: string; message: string; param?: string | null });
    } catch {
      /* not JSON: keep the text */
    }
    if (res.status === 401 && !opts.key) reportUnauthorized();
    throw new ApiError(res.status, code, message, param, details);
  }
  return res;
}

/** JSON in, JSON out. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await request(path, opts);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/**
 * Reads a server-sent event stream from a fetch (EventSource cannot send the Authorization header).
 * Resolves when the stream ends; abort the signal to stop early.
 */
export async function readSse(path: string, opts: RequestOptions, onMessage: (m: SseMessage) => void): Promise<void> {
  const res = await request(path, { ...opts, headers: { accept: 'text/event-stream', ...opts.headers } });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  let msg: SseMessage = { event: 'message', data: '' };
  let hasData = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      if (line === '') {
        if (hasData) onMessage(msg);
        msg = { event: 'message', data: '' };
        hasData = false;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') msg.event = val;
      else if (field === 'id') msg.id = val;
      else if (field === 'data') {
        msg.data = hasData ? `${msg.data}\n${val}` : val;
        hasData = true;
      }
    }
  }
}
