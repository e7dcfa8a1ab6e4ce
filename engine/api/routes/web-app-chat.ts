/**
 * POST /apps/{name}/chat: one message of a visitor's conversation, answered as SSE (`start`,
 * `delta`…, `citations`, `done`, or `error`). The call goes through the gateway like every
 * deployment call: a key app's key, or a public app's visitor (its own calls a minute) and the
 * deployment's limits; the safety policy on the message and on the answer as it streams; metered
 * and recorded; sampled for the monitor. The message and its answer (or the error it ended with)
 * are stored, so the next message may reach any instance.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { toErrorCode } from '../../error-codes.ts';
import { WeirError } from '../../errors.ts';
import { callEstimate } from '../../app/gateway/estimate.ts';
import type { GatewayCall } from '../../app/gateway/gateway.ts';
import { filterFlags, runFailureStatus, statusOf, type CallOutcome } from '../../app/gateway/meter.ts';
import { ContentFilterError } from '../../app/gateway/safety.ts';
import { RateLimitError } from '../../app/gateway/windows.ts';
import { citationsOf, type Turn } from '../../app/web-apps.ts';
import type { Workspace } from '../../app/workspace.ts';
import type { ChatMessage } from '../../models/types.ts';
import type { Usage } from '../../node-definition.ts';
import { newRunId } from '../../run/run-id.ts';
import type { MessageCitation } from '../../store/types.ts';
import { readJson } from '../body.ts';
import { SseFeed } from '../sse.ts';
import type { ChatRequest } from './openai-schemas.ts';
import { judgedChat } from './openai-serve.ts';
import { streamedRun } from './score-stream.ts';
import { checkId, enterApp, type AppCaller } from './web-app-access.ts';

export const MAX_MESSAGE_CHARS = 16_000;

const ChatBody = z
  .object({
    conversation_id: z.string().optional(),
    message: z.string().max(MAX_MESSAGE_CHARS, `the message is at most ${MAX_MESSAGE_CHARS} characters`).refine((m) => m.trim() !== '', 'the message is empty'),
  })
  .strict();

interface Answer {
  usage: { prompt_tokens: number; completion_tokens: number } | null;
  citations: MessageCitation[] | null;
}

/** The event an error ends the answer with: the gateway's status and code (429 with when to retry). */
function errorEvent(err: unknown): { status: number; code: string; message: string; retry_after_seconds?: number } {
  if (err instanceof RateLimitError) return { status: 429, code: err.code, message: err.message, retry_after_seconds: Math.max(1, Math.ceil(err.window.resetMs / 1000)) };
  if (err instanceof WeirError) return { status: err.status, code: err.code, message: err.message };
  console.error('a web app answer failed', err);
  return { status: 500, code: 'internal_error', message: 'the answer failed; the server log has details' };
}

const usageOf = (u: Partial<Usage> | undefined): Answer['usage'] => (u ? { prompt_tokens: u.prompt_tokens ?? 0, completion_tokens: u.completion_tokens ?? 0 } : null);

export async function webAppChat(c: Context, ws: Workspace): Promise<Response> {
  const app = await enterApp(c, ws);
  const body = await readJson(c, ChatBody);
  // Bad requests are plain JSON errors; everything after this is told on the stream.
  if (body.conversation_id !== undefined) await ws.webApps.conversation(app.d, app.visitor, checkId(body.conversation_id, 'conversation_id'));
  const feed = new SseFeed();
  const gone = new AbortController();
  const send = (event: string, data: unknown) => feed.push({ event, data });
  void converse(c, ws, app, body.conversation_id, body.message, gone.signal, send)
    .catch((err: unknown) => send('error', errorEvent(err)))
    .finally(() => feed.end());
  return feed.respond(c, () => gone.abort());
}

async function converse(c: Context, ws: Workspace, app: AppCaller, conversationId: string | undefined, text: string, signal: AbortSignal, send: (event: string, data: unknown) => void): Promise<void> {
  const turn = await ws.webApps.begin(app.d, app.visitor, conversationId, text);
  send('start', { conversation_id: turn.conversation.id, user_message_id: turn.userMessageId, message_id: turn.messageId });
  let said = '';
  const onText = (t: string) => {
    said += t;
    send('delta', { text: t });
  };
  let answer: Answer | undefined;
  let failure: ReturnType<typeof errorEvent> | undefined;
  try {
    answer = app.d.kind === 'model' ? await modelAnswer(c, ws, app, turn.history, text, signal, onText) : await flowAnswer(ws, app, turn.history, text, signal, onText);
  } catch (err) {
    // A page closed mid-answer makes the model's stream fail: that is not the answer's fault.
    if (!signal.aborted) failure = errorEvent(err);
  }
  if (!failure && signal.aborted) failure = { status: 499, code: 'answer_interrupted', message: 'the page was closed before the answer ended' };
  // Stored before the stream ends, so a reload right after shows it.
  await ws.webApps.answer({ id: turn.messageId, conversationId: turn.conversation.id, seq: turn.seq, content: said, citations: answer?.citations ?? null, error: failure ? { code: failure.code, message: failure.message } : null });
  if (failure) return send('error', failure);
  if (answer?.citations?.length) send('citations', { citations: answer.citations });
  send('done', { message_id: turn.messageId, usage: answer?.usage ?? null });
}

/** A key app's key and its limits, or a public app's visitor and its calls a minute; the deployment's own limits either way. */
function admit(ws: Workspace, app: AppCaller, tokens: number, id: string): Promise<GatewayCall> {
  return app.who ? ws.gateway.admit(app.who, app.d, tokens, id) : ws.gateway.admitVisitor(app.d, app.visitor, app.settings.rpm, tokens, id);
}

/** A chat model: the conversation so far (no system prompt) and the message, through the /v1 chat path. */
async function modelAnswer(c: Context, ws: Workspace, app: AppCaller, history: Turn[], text: string, signal: AbortSignal, onText: (t: string) => void): Promise<Answer> {
  const model = await ws.models.get(app.d.name);
  const messages: ChatMessage[] = [...history.flatMap((t): ChatMessage[] => [{ role: 'user', content: t.user }, { role: 'assistant', content: t.assistant }]), { role: 'user', content: text }];
  const req: ChatRequest = { messages, stream: true, includeUsage: false, opts: {}, maxParam: 'max_tokens' };
  const call = await admit(ws, app, callEstimate(messages.map((m) => m.content), undefined, model.contextLength), newRunId());
  let usage: Answer['usage'] = null;
  for await (const e of judgedChat(c, ws, { call, model }, req, signal)) {
    if (e.type === 'text') onText(e.text);
    else usage = usageOf(e.usage);
  }
  return { usage, citations: null };
}

/**
 * A chat flow: the message to its chat input, the turns so far to its chat history in prompt
 * flow's shape, its other inputs their defaults; run as the SSE score path runs it (outputs judged
 * window by window), the chat output's text forwarded as it streams (whole at the end when the
 * node behind it does not stream), and its `citations` output as the answer's sources.
 */
async function flowAnswer(ws: Workspace, app: AppCaller, history: Turn[], text: string, signal: AbortSignal, onText: (t: string) => void): Promise<Answer> {
  const d = app.d;
  const v = await ws.pickVersion(d, undefined);
  const shape = ws.webApps.shapeOf(v);
  const id = newRunId();
  const call = await admit(ws, app, 0, id);
  let logged = false;
  const log = (usage: Usage | undefined, outcome: CallOutcome) => {
    if (logged) return;
    logged = true;
    ws.gateway.logFlowCall({ id, at: call.at, deployment: d.name, keyId: call.keyId }, usage, outcome);
  };
  const inputs: Record<string, unknown> = { [shape.input]: text };
  let plan;
  try {
    // The message is judged; the turns before it were judged when they were sent.
    const judging = ws.gateway.safety.flowInputs(d, inputs);
    if (judging) await judging;
    plan = await ws.versionPlan(v);
  } catch (err) {
    log(undefined, { status: statusOf(err), filtered: err instanceof ContentFilterError ? filterFlags('prompt', err.results) : undefined });
    throw err;
  }
  if (shape.history) inputs[shape.history] = history.map((t) => ({ inputs: { [shape.input]: t.user }, outputs: { [shape.output]: t.assistant } }));

  return new Promise<Answer>((resolve, reject) => {
    let streamed = false;
    const ctl = streamedRun(ws, d, { runId: id, plan, inputs, host: ws.host, flow: v.flow, version: v.number, deployment: d.name, mode: 'sync', keyId: call.keyId, keepTrace: Math.random() < d.traceSampleRate }, log, (event, data) => {
      const e = data as { output?: string; chunk?: unknown; outputs?: Record<string, unknown>; usage?: Usage; error?: { code?: string; message?: string } };
      if (event === 'chunk') {
        if (e.output === shape.output && typeof e.chunk === 'string') {
          streamed = true;
          onText(e.chunk);
        }
      } else if (event === 'result') {
        const outputs = e.outputs ?? {};
        const out = outputs[shape.output];
        if (!streamed && out !== undefined && out !== null) onText(typeof out === 'string' ? out : JSON.stringify(out));
        resolve({ usage: usageOf(e.usage), citations: shape.citations ? citationsOf(outputs[shape.citations]) : null });
      } else {
        const code = toErrorCode(e.error?.code, 'run_failed');
        reject(new WeirError(code, e.error?.message ?? 'the flow failed', { status: code === 'content_filter' ? 400 : runFailureStatus(code) }));
      }
    }, () => {});
    signal.addEventListener('abort', () => {
      ctl.abort();
      resolve({ usage: null, citations: null });
    }, { once: true });
  });
}
