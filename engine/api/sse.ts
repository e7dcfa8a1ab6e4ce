import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';

export interface SseMessage {
  event: string;
  data: unknown;
  id?: string;
}

export interface SseFeed {
  push(m: SseMessage): void;
  end(): void;
}

/**
 * Streams messages produced synchronously by a run (which cannot wait for a slow client) to the
 * client in order. `start` wires the feed and returns what to do if the client goes away.
 */
export function sse(c: Context, start: (feed: SseFeed) => (() => void) | void): Response {
  return streamSSE(c, async (stream) => {
    const queue: SseMessage[] = [];
    let ended = false;
    let wake: (() => void) | undefined;
    const notify = () => {
      wake?.();
      wake = undefined;
    };
    const onGone = start({
      push: (m) => {
        queue.push(m);
        notify();
      },
      end: () => {
        ended = true;
        notify();
      },
    });
    stream.onAbort(() => {
      ended = true;
      onGone?.();
      notify();
    });
    while (true) {
      while (queue.length) {
        const m = queue.shift()!;
        await stream.writeSSE({ event: m.event, data: JSON.stringify(m.data), ...(m.id ? { id: m.id } : {}) });
      }
      if (ended || stream.aborted) break;
      await new Promise<void>((r) => (wake = r));
    }
  });
}

export function wantsSse(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('text/event-stream');
}
