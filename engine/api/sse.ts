import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';

export interface SseMessage {
  event: string;
  data: unknown;
  id?: string;
}

/**
 * Carries messages a run produces synchronously (it cannot wait for a slow client) to an SSE
 * response, in order. Messages pushed before the response starts streaming are kept, so a run
 * can be started (and bad inputs answered with a plain 400) before the stream opens.
 */
export class SseFeed {
  #queue: SseMessage[] = [];
  #ended = false;
  #wake: (() => void) | undefined;

  push(m: SseMessage): void {
    this.#queue.push(m);
    this.#notify();
  }

  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** Streams the feed; `onGone` runs if the client disconnects first. */
  respond(c: Context, onGone?: () => void): Response {
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => {
        onGone?.();
        this.end();
      });
      while (true) {
        while (this.#queue.length) {
          const m = this.#queue.shift()!;
          await stream.writeSSE({ event: m.event, data: JSON.stringify(m.data), ...(m.id ? { id: m.id } : {}) });
        }
        if (this.#ended || stream.aborted) break;
        await new Promise<void>((r) => (this.#wake = r));
      }
    });
  }

  #notify(): void {
    this.#wake?.();
    this.#wake = undefined;
  }
}

export function wantsSse(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('text/event-stream');
}
