import type { ChatError } from './types.ts';

const QUOTA = /rate_limit|quota|too_many|tpm|rpm/i;

function retryText(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return 'Please wait a moment and try again.';
  const s = Math.ceil(seconds);
  return s < 90 ? `Please try again in ${s} second${s === 1 ? '' : 's'}.` : `Please try again in ${Math.ceil(s / 60)} minutes.`;
}

/** A failed answer said so a visitor understands it: a limit reached, a filtered message, a service down. */
export function readableError(e: ChatError): { title: string; detail: string } {
  if (e.status === 429 || QUOTA.test(e.code)) {
    return { title: 'Too many messages right now', detail: `${retryText(e.retry_after_seconds)} (${e.message})` };
  }
  if (e.code === 'content_filter' || e.code.startsWith('content_filter')) {
    return { title: 'This message was blocked by the content filter', detail: `${e.message} Rephrase it and try again.` };
  }
  if (e.status === 401) return { title: 'Access key refused', detail: e.message };
  if (e.status === 502 || e.status === 503 || e.status === 504 || e.code === 'network_error' || e.code === 'stream_cut') {
    return { title: 'The assistant is unavailable', detail: `${e.message}. Try again in a little while.` };
  }
  return { title: 'The answer failed', detail: e.message };
}

/** Any thrown value as a ChatError (network failures, HTTP errors before the stream opened). */
export function toChatError(err: unknown): ChatError {
  const e = err as { status?: number; code?: string; message?: string; retryAfter?: number };
  return {
    status: typeof e?.status === 'number' ? e.status : 0,
    code: typeof e?.code === 'string' ? e.code : 'network_error',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.retryAfter === 'number' ? { retry_after_seconds: e.retryAfter } : {}),
  };
}
