import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client.ts';
import { streamChat } from './chat-stream.ts';
import { historyFor, usePlayground } from './playground-store.ts';

/** Parses an optional number field; `undefined` when blank, an error message when not a number in range. */
export function numberParam(text: string, min: number, max: number, integer: boolean): number | string | undefined {
  if (!text.trim()) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) return `must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`;
  return n;
}

/** Sends the conversation to a deployment and streams the answer into the store; `stop` aborts it. */
export function useChat(deployment: string | undefined) {
  const ctl = useRef<AbortController | null>(null);
  const [busy, setBusy] = useState(false);
  // Leaving the page stops the answer being generated for nobody.
  useEffect(() => () => ctl.current?.abort(), []);

  async function send(question: string): Promise<boolean> {
    const s = usePlayground.getState();
    if (!deployment || busy || !question.trim()) return false;
    const temperature = numberParam(s.temperature, 0, 2, false);
    const maxTokens = numberParam(s.maxTokens, 1, 1 << 20, true);
    const messages = [...historyFor(s.system, s.turns), { role: 'user' as const, content: question }];
    s.add({ role: 'user', content: question });
    const id = s.add({ role: 'assistant', content: '', status: 'streaming', deployment });
    if (typeof temperature === 'string' || typeof maxTokens === 'string') {
      s.update(id, { status: 'error', error: typeof temperature === 'string' ? `temperature ${temperature}` : `max tokens ${maxTokens}` });
      return true;
    }
    const abort = new AbortController();
    ctl.current = abort;
    setBusy(true);
    const t0 = performance.now();
    let first: number | undefined;
    try {
      const r = await streamChat({ deployment, messages, temperature, maxTokens, signal: abort.signal }, (text) => {
        first ??= Math.round(performance.now() - t0);
        s.update(id, (t) => ({ content: t.content + text, firstTokenMs: first }));
      });
      const totalMs = Math.round(performance.now() - t0);
      s.update(id, { status: abort.signal.aborted ? 'stopped' : 'done', usage: r.usage, finishReason: r.finishReason, totalMs });
    } catch (err) {
      const totalMs = Math.round(performance.now() - t0);
      if (abort.signal.aborted) s.update(id, { status: 'stopped', totalMs });
      else s.update(id, { status: 'error', totalMs, error: err instanceof ApiError || err instanceof Error ? err.message : String(err) });
    } finally {
      if (ctl.current === abort) ctl.current = null;
      setBusy(false);
    }
    return true;
  }

  return { send, busy, stop: () => ctl.current?.abort() };
}
