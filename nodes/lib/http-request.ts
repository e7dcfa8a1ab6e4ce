import { fetch, type Dispatcher } from 'undici';
import { WeirError } from '../../engine/errors.ts';
import { findForbidden } from './address-guard.ts';

export interface SendOptions {
  method: string;
  url: URL;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Connection headers (auth …): sent to the first request's origin only, never across a redirect. */
  credentialHeaders: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  timeoutMs: number;
  maxBytes: number;
  dispatcher: Dispatcher;
  maxRedirects?: number;
}

export interface RawResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  bytes: Buffer;
  url: URL;
}

/** URL for messages: no query string or credentials, which is where API keys tend to hide. */
export function shownUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/**
 * One HTTP exchange with a deadline and a size cap that both cover the body, not just the headers.
 * Redirects are followed here rather than by fetch so credential headers can be dropped when a
 * redirect leaves the origin (fetch strips only `authorization`, not e.g. `api-key`).
 */
export async function send(o: SendOptions): Promise<RawResponse> {
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const signal = AbortSignal.any([o.signal, timeout]);
  let url = o.url;
  let method = o.method;
  let body = o.body;
  const headers = { ...o.headers };
  try {
    for (let hop = 0; ; hop++) {
      const creds = url.origin === o.url.origin ? o.credentialHeaders : {};
      const res = await fetch(url, {
        method,
        headers: { ...headers, ...creds },
        body,
        signal,
        redirect: 'manual',
        dispatcher: o.dispatcher,
      });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel();
        if (hop >= (o.maxRedirects ?? 5)) {
          throw new WeirError('http_too_many_redirects', `${shownUrl(o.url)} redirected more than ${o.maxRedirects ?? 5} times`, {
            status: 502,
          });
        }
        url = new URL(location, url);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') {
          throw new WeirError('http_invalid_url', `redirect to unsupported scheme ${url.protocol}`, { status: 502 });
        }
        // Browsers' rule: 303 (and 301/302 after a POST) turn into a GET without the body.
        if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          delete headers['content-type'];
        }
        continue;
      }
      const bytes = await readCapped(res.body, res.headers.get('content-length'), o.maxBytes, url);
      return { status: res.status, statusText: res.statusText, headers: Object.fromEntries(res.headers), bytes, url };
    }
  } catch (err) {
    if (o.signal.aborted) throw o.signal.reason;
    if (err instanceof WeirError) throw err;
    const forbidden = findForbidden(err);
    if (forbidden) throw forbidden;
    if (timeout.aborted) {
      throw new WeirError('http_timeout', `${method} ${shownUrl(url)} timed out after ${o.timeoutMs} ms`, {
        retryable: true,
        status: 504,
        cause: err,
      });
    }
    const detail = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    throw new WeirError('http_request_failed', `${method} ${shownUrl(url)} failed: ${detail}`, {
      retryable: true,
      status: 502,
      cause: err,
    });
  }
}

/** Reads at most `max` bytes; past that it stops and cancels the stream (closing the socket). */
async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  contentLength: string | null,
  max: number,
  url: URL,
): Promise<Buffer> {
  const tooLarge = () =>
    new WeirError('http_response_too_large', `response from ${shownUrl(url)} is larger than max_response_bytes (${max})`, {
      status: 502,
    });
  if (contentLength !== null && Number(contentLength) > max) {
    await body?.cancel();
    throw tooLarge();
  }
  if (!body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Leaving the loop by throwing makes the iterator cancel the stream, so the rest is never read.
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > max) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}
