import { readSse } from '../api/client.ts';
import { useEditor } from '../canvas/store.ts';
import type { ChatShape } from '../flow/chat-shape.ts';
import type { ChatEvent, ChatMessage, ChatTransport, Citation } from './types.ts';

const enc = encodeURIComponent;

function chunkText(c: unknown): string {
  if (typeof c === 'string') return c;
  const delta = (c as { choices?: { delta?: { content?: string } }[] })?.choices?.[0]?.delta?.content;
  return typeof delta === 'string' ? delta : '';
}

/** The turns so far in prompt flow's chat_history shape: each question with the answer it got. */
export function chatHistory(messages: ChatMessage[], shape: ChatShape): { inputs: Record<string, string>; outputs: Record<string, string> }[] {
  const turns: { inputs: Record<string, string>; outputs: Record<string, string> }[] = [];
  messages.forEach((m, i) => {
    const next = messages[i + 1];
    if (m.role === 'user' && next?.role === 'assistant' && !next.error) {
      turns.push({ inputs: { [shape.input]: m.content }, outputs: { [shape.output]: next.content } });
    }
  });
  return turns;
}

/**
 * The editor's chat panel runs the draft of the open flow (saved first), as the run drawer does:
 * POST /api/flows/{name}/runs over SSE. The answer output streams when its node streams; otherwise
 * it arrives whole with run.finished. The history lives in the panel, in memory.
 */
export function draftTransport(flow: string, shape: () => ChatShape | null): ChatTransport {
  return {
    async send(message, history, onEvent: (e: ChatEvent) => void, signal) {
      const s = shape();
      if (!s) {
        onEvent({ type: 'error', error: { status: 0, code: 'not_chat_shaped', message: 'this flow is no longer a chat flow (it needs a chat input and output)' } });
        return;
      }
      await useEditor.getState().flush();
      const saved = useEditor.getState();
      if (saved.save === 'error') {
        onEvent({ type: 'error', error: { status: 0, code: 'save_failed', message: `the draft could not be saved: ${saved.saveError ?? 'unknown error'}` } });
        return;
      }
      const inputs: Record<string, unknown> = { [s.input]: message };
      if (s.history) inputs[s.history] = chatHistory(history, s);
      let streamed = false;
      await readSse(`/api/flows/${enc(flow)}/runs`, { method: 'POST', body: { inputs }, signal }, (m) => {
        let e: { type?: string; runId?: string; output?: string; chunk?: unknown; status?: string; outputs?: Record<string, unknown>; error?: { code: string; message: string } };
        try {
          e = JSON.parse(m.data);
        } catch {
          return;
        }
        if (e.type === 'run.started') onEvent({ type: 'start', message_id: e.runId ? `run-${e.runId}` : undefined });
        else if (e.type === 'output.chunk' && e.output === s.output) {
          const text = chunkText(e.chunk);
          if (text) {
            streamed = true;
            onEvent({ type: 'delta', text });
          }
        } else if (e.type === 'run.finished') {
          if (e.status !== 'succeeded') {
            onEvent({ type: 'error', error: { status: 0, code: e.error?.code ?? 'run_failed', message: e.error?.message ?? `the run ${e.status ?? 'failed'}` } });
            return;
          }
          const answer = e.outputs?.[s.output];
          if (!streamed && answer !== undefined && answer !== null) onEvent({ type: 'delta', text: typeof answer === 'string' ? answer : JSON.stringify(answer, null, 2) });
          const cites = s.citations ? e.outputs?.[s.citations] : undefined;
          if (Array.isArray(cites) && cites.length) onEvent({ type: 'citations', citations: cites as Citation[] });
          onEvent({ type: 'done' });
        }
      });
    },
  };
}
