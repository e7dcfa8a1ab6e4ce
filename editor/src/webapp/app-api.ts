import { api, ApiError, readSse, type RequestOptions } from '../api/client.ts';
import type { ChatEvent, ChatMessage, ChatTransport, Citation, Rating } from '../chat/types.ts';
import { store } from './storage.ts';

/** Shapes of the public /apps/{name} routes (docs: the web app contract). */
export interface AppConfig {
  name: string;
  title: string | null;
  description: string | null;
  logo: string | null;
  accent: string | null;
  auth: 'public' | 'key';
  kind: 'flow' | 'model';
  citations: boolean;
}

export interface ConversationSummary {
  id: string;
  title: string;
  created_at: string;
  updated_at: string;
}

interface StoredMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  citations: Citation[] | null;
  error: ChatMessage['error'];
  feedback: ChatMessage['feedback'];
  created_at: string;
}

const VISITOR = 'weir-visitor';
const keyName = (app: string) => `weir-app-key:${app}`;
const lastName = (app: string) => `weir-app-last:${app}`;

/** A random id kept in this browser: it is how the server tells this visitor's conversations apart. */
export function visitorId(): string {
  const had = store.get(VISITOR);
  if (had && /^[A-Za-z0-9_-]{16,64}$/.test(had)) return had;
  // getRandomValues works on plain http too (randomUUID needs a secure context).
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  const id = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  store.set(VISITOR, id);
  return id;
}

export const appKey = {
  get: (app: string) => store.get(keyName(app)),
  set: (app: string, key: string | null) => store.set(keyName(app), key),
};

export const lastConversation = {
  get: (app: string) => store.get(lastName(app)),
  set: (app: string, id: string | null) => store.set(lastName(app), id),
};

/** The app's name from /apps/{name}[/]. */
export function appNameFromPath(pathname: string): string | null {
  const m = /^\/apps\/([^/]+)\/?$/.exec(pathname);
  return m ? decodeURIComponent(m[1]) : null;
}

export function appClient(app: string, onUnauthorized: () => void) {
  const base = `/apps/${encodeURIComponent(app)}`;
  // Never the studio's admin token: `key: ''` sends no Authorization unless the app has a key.
  const opts = (o: RequestOptions = {}): RequestOptions => ({ ...o, key: appKey.get(app) ?? '', headers: { 'weir-visitor': visitorId(), ...o.headers } });
  async function call<T>(path: string, o?: RequestOptions): Promise<T> {
    try {
      return await api<T>(base + path, opts(o));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) onUnauthorized();
      throw err;
    }
  }

  const transport = (onConversation: (id: string) => void, conversation: () => string | null): ChatTransport => ({
    async send(message, _history, onEvent, signal) {
      const body: Record<string, unknown> = { message };
      const id = conversation();
      if (id) body.conversation_id = id;
      try {
        await readSse(`${base}/chat`, opts({ method: 'POST', body, signal }), (m) => {
          let data: Record<string, unknown>;
          try {
            data = JSON.parse(m.data) as Record<string, unknown>;
          } catch {
            return;
          }
          const e = toEvent(m.event, data);
          if (e?.type === 'start' && e.conversation_id) onConversation(e.conversation_id);
          if (e) onEvent(e);
        });
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) onUnauthorized();
        throw err;
      }
    },
    async feedback(messageId: string, rating: Rating, comment?: string) {
      await call(`/messages/${encodeURIComponent(messageId)}/feedback`, { method: 'POST', body: comment ? { rating, comment } : { rating } });
    },
  });

  return {
    config: () => api<AppConfig>(`${base}/config`, { key: '' }),
    conversations: () => call<{ data: ConversationSummary[] }>('/conversations').then((r) => r.data),
    conversation: (id: string) =>
      call<{ id: string; title: string; messages: StoredMessage[] }>(`/conversations/${encodeURIComponent(id)}`).then((c) => ({
        ...c,
        messages: c.messages.map((m): ChatMessage => ({ id: m.id, role: m.role, content: m.content, citations: m.citations, error: m.error, feedback: m.feedback, status: 'done', stored: true })),
      })),
    remove: (id: string) => call<void>(`/conversations/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    transport,
  };
}

function toEvent(event: string, d: Record<string, unknown>): ChatEvent | null {
  switch (event) {
    case 'start':
      return { type: 'start', conversation_id: d.conversation_id as string, user_message_id: d.user_message_id as string, message_id: d.message_id as string };
    case 'delta':
      return typeof d.text === 'string' ? { type: 'delta', text: d.text } : null;
    case 'citations':
      return Array.isArray(d.citations) ? { type: 'citations', citations: d.citations as Citation[] } : null;
    case 'done':
      return { type: 'done', message_id: d.message_id as string };
    case 'error':
      return {
        type: 'error',
        error: {
          status: Number(d.status) || 0, code: String(d.code ?? 'error'), message: String(d.message ?? 'the answer failed'),
          ...(typeof d.retry_after_seconds === 'number' ? { retry_after_seconds: d.retry_after_seconds } : {}),
        },
      };
    default:
      return null;
  }
}
