/** What the chat component shows and what a transport (the /apps API, a draft run) tells it. */

export interface Citation {
  n?: number | null;
  source: string;
  title?: string | null;
  heading_path?: string[] | string | null;
  page?: number | null;
  text: string;
  start?: number | null;
  end?: number | null;
}

export interface ChatError {
  status: number;
  code: string;
  message: string;
  retry_after_seconds?: number;
}

export type Rating = 'up' | 'down';

export interface ChatMessage {
  /** The server's id once known (feedback needs it); a local id before. */
  id: string;
  role: 'user' | 'assistant';
  content: string;
  citations: Citation[] | null;
  error: ChatError | null;
  feedback: { rating: Rating; comment: string | null } | null;
  status?: 'streaming' | 'done' | 'stopped';
  /** Set when the id is the server's, so the message can be rated. */
  stored?: boolean;
}

export type ChatEvent =
  | { type: 'start'; conversation_id?: string; user_message_id?: string; message_id?: string }
  | { type: 'delta'; text: string }
  | { type: 'citations'; citations: Citation[] }
  | { type: 'done'; message_id?: string }
  | { type: 'error'; error: ChatError };

/**
 * Where messages go: the web app sends them to /apps/{name}/chat, the editor's chat panel runs the
 * draft flow. `send` resolves when the answer ended (its events went to `onEvent`, errors included).
 */
export interface ChatTransport {
  send(message: string, history: ChatMessage[], onEvent: (e: ChatEvent) => void, signal: AbortSignal): Promise<void>;
  /** Absent: no thumbs are shown (a draft run has nowhere to keep them). */
  feedback?(messageId: string, rating: Rating, comment: string | undefined): Promise<void>;
}
