/**
 * Deployments' chat web apps (issue #17): their settings (kept in the deployment's options, so a
 * change reaches every instance as any deployment change does), whether a deployment can have one
 * (a chat-shaped flow or a chat model), and visitors' conversations, messages and feedback in the
 * store (so any instance serves a visitor's next message). The chat call itself is the API's
 * (routes/web-app-chat.ts), through the gateway.
 */
import { randomUUID } from 'node:crypto';
import { WeirError } from '../errors.ts';
import { chatShape, type ChatShape } from '../flow/chat-shape.ts';
import type { ModelCatalog } from '../models/catalog.ts';
import type { ConversationRow, DeploymentRow, FeedbackRow, FeedbackView, MessageCitation, MessageRow, Store, VersionRow, WebAppSettings } from '../store/types.ts';
import type { Deployments } from './deployments.ts';
import { mergeWebApp, type WebAppPatch } from './web-app-settings.ts';

/** The page's anonymous visitor id (header weir-visitor). */
export const VISITOR_ID = /^[A-Za-z0-9_-]{16,64}$/;
/**
 * Turns of the conversation so far given to the model or the flow with each message: the last 20
 * (older ones are kept and shown, not sent), so a long chat neither outgrows the model's context
 * nor costs more with every message.
 */
export const HISTORY_TURNS = 20;
const MAX_CONVERSATIONS = 100;
const MAX_CITATIONS = 20;
const MAX_CITATION_TEXT = 8000;

export const appNotFound = (name: string) => new WeirError('app_not_found', `no web app is served at /apps/${name}`, { status: 404 });
export const conversationNotFound = (id: string) => new WeirError('conversation_not_found', `conversation ${id} not found`, { status: 404, path: ['conversation_id'] });
const notChatShaped = (reason: string) => new WeirError('not_chat_shaped', `this deployment cannot have a chat web app: ${reason}`, { status: 422, path: ['web_app', 'enabled'] });

/** One exchange of a conversation: a question and the answer it got. */
export interface Turn {
  user: string;
  assistant: string;
}

/** A served app: its deployment (cached) and settings. */
export interface ServedApp {
  d: DeploymentRow;
  settings: WebAppSettings;
}

export interface WebAppAccess {
  store: Store;
  deployments: Deployments;
  catalog: ModelCatalog;
  version(flow: string, number: number): Promise<VersionRow | undefined>;
}

export class WebApps {
  constructor(private readonly w: WebAppAccess) {}

  /** Applies a settings patch; enabling needs a chat-shaped deployment (422 not_chat_shaped, naming why). */
  async configure(name: string, patch: WebAppPatch): Promise<DeploymentRow> {
    const d = await this.w.deployments.get(name);
    const next = mergeWebApp(name, d.options?.webApp, patch);
    if (next.enabled) {
      const why = await this.whyNotChat(d);
      if (why) throw notChatShaped(why);
    }
    return this.w.deployments.update(name, { webApp: next });
  }

  /** Why the deployment is not a chat (the flow versions its traffic serves, or its model's task); undefined when it is. */
  async whyNotChat(d: DeploymentRow): Promise<string | undefined> {
    if (d.kind === 'model') {
      const entry = await this.w.catalog.get(d.model!);
      if (!entry) return `its model "${d.model}" is not in the catalog`;
      return entry.task === 'chat-completion' ? undefined : `its model "${d.model}" is a ${entry.task} model, not a chat model`;
    }
    for (const t of d.traffic.filter((x) => x.weight > 0)) {
      const v = await this.w.version(d.flow!, t.version);
      if (!v) return `version ${t.version} of flow "${d.flow}" is not found`;
      const shape = chatShape(v.definition);
      if (!shape.ok) return `flow "${d.flow}" version ${t.version} (serving traffic) is not a chat: ${shape.reason}`;
    }
    return undefined;
  }

  /** The flow version's chat input, history and output (a version served by traffic that is not a chat: 422). */
  shapeOf(v: VersionRow): ChatShape {
    const shape = chatShape(v.definition);
    if (!shape.ok) throw notChatShaped(`flow "${v.flow}" version ${v.number} is not a chat: ${shape.reason}`);
    return shape;
  }

  /** An enabled app (cached, as published calls read deployments); 404 otherwise. */
  async app(name: string): Promise<ServedApp> {
    const d = await this.w.deployments.cached(name);
    const settings = d?.options?.webApp;
    if (!d || !settings?.enabled) throw appNotFound(name);
    return { d, settings };
  }

  /** Whether the app's answers come with citations: a flow whose served version has a `citations` output. */
  async citations(d: DeploymentRow): Promise<boolean> {
    if (d.kind !== 'flow') return false;
    for (const t of d.traffic.filter((x) => x.weight > 0)) {
      const v = await this.w.version(d.flow!, t.version);
      const shape = v && chatShape(v.definition);
      if (shape && shape.ok && shape.citations) return true;
    }
    return false;
  }

  conversations(d: DeploymentRow, visitor: string): Promise<ConversationRow[]> {
    return this.w.store.webApps.conversations(d.name, visitor, MAX_CONVERSATIONS);
  }

  /** The visitor's own conversation with this app; anyone else's is not found, as one that does not exist. */
  async conversation(d: DeploymentRow, visitor: string, id: string): Promise<ConversationRow> {
    const c = await this.w.store.webApps.conversation(id);
    if (!c || c.deployment !== d.name || c.visitor !== visitor) throw conversationNotFound(id);
    return c;
  }

  /** Its messages, each assistant message with the visitor's rating of it. */
  async transcript(c: ConversationRow): Promise<{ messages: MessageRow[]; feedback: Map<string, FeedbackRow> }> {
    const [messages, feedback] = await Promise.all([this.w.store.webApps.messages(c.id), this.w.store.webApps.feedbackOf(c.id)]);
    return { messages, feedback: new Map(feedback.map((f) => [f.messageId, f])) };
  }

  async deleteConversation(d: DeploymentRow, visitor: string, id: string): Promise<void> {
    await this.conversation(d, visitor, id);
    await this.w.store.webApps.deleteConversation(id);
  }

  /**
   * A new message: its conversation (made now when none is given; titled with the message), the
   * user message stored, the id its answer will have, and the complete turns so far (the last
   * HISTORY_TURNS; answers that failed are left out with their question).
   */
  async begin(d: DeploymentRow, visitor: string, conversationId: string | undefined, text: string, now = Date.now()): Promise<{ conversation: ConversationRow; userMessageId: string; messageId: string; seq: number; history: Turn[] }> {
    let conversation: ConversationRow;
    let earlier: MessageRow[] = [];
    if (conversationId === undefined) {
      conversation = { id: randomUUID(), deployment: d.name, visitor, title: titleOf(text), createdAt: now, updatedAt: now };
      await this.w.store.webApps.createConversation(conversation);
    } else {
      conversation = await this.conversation(d, visitor, conversationId);
      earlier = await this.w.store.webApps.messages(conversation.id);
    }
    const seq = earlier.length ? earlier[earlier.length - 1].seq + 1 : 0;
    const userMessageId = randomUUID();
    await this.w.store.webApps.addMessage({ id: userMessageId, conversationId: conversation.id, seq, role: 'user', content: text, citations: null, error: null, createdAt: now });
    return { conversation, userMessageId, messageId: randomUUID(), seq: seq + 1, history: turnsOf(earlier).slice(-HISTORY_TURNS) };
  }

  /** The answer (what was said, its citations, and its error when it failed or was filtered), stored. */
  async answer(row: Omit<MessageRow, 'role' | 'createdAt'>, now = Date.now()): Promise<void> {
    await this.w.store.webApps.addMessage({ ...row, role: 'assistant', createdAt: now });
  }

  /** A visitor rates an answer in one of its own conversations; a new rating replaces the earlier one. */
  async rate(d: DeploymentRow, visitor: string, messageId: string, rating: 'up' | 'down', comment: string | null, now = Date.now()): Promise<FeedbackRow> {
    const m = await this.w.store.webApps.message(messageId);
    const c = m && (await this.w.store.webApps.conversation(m.conversationId));
    if (!m || m.role !== 'assistant' || !c || c.deployment !== d.name || c.visitor !== visitor) {
      throw new WeirError('message_not_found', `no answer ${messageId} in this visitor's conversations`, { status: 404, path: ['message_id'] });
    }
    const row: FeedbackRow = { messageId, conversationId: c.id, deployment: d.name, visitor, rating, comment, createdAt: now };
    await this.w.store.webApps.putFeedback(row);
    return row;
  }

  /** A deployment's feedback, newest first, paged (the admin's view). */
  async feedback(name: string, limit: number, cursor: string | undefined): Promise<{ data: FeedbackView[]; next: string | null; counts: { up: number; down: number } }> {
    await this.w.deployments.get(name);
    const before = cursor === undefined ? undefined : parseCursor(cursor);
    const rows = await this.w.store.webApps.feedback(name, { limit: limit + 1, before });
    const data = rows.slice(0, limit);
    const last = data[data.length - 1];
    const next = rows.length > limit && last ? Buffer.from(JSON.stringify([last.createdAt, last.messageId])).toString('base64url') : null;
    return { data, next, counts: await this.w.store.webApps.feedbackCounts(name, 0, Number.MAX_SAFE_INTEGER) };
  }

  /** Ratings given in [from, to) (the monitor's view shows them beside the evaluators). */
  feedbackCounts(name: string, from: number, to: number): Promise<{ up: number; down: number }> {
    return this.w.store.webApps.feedbackCounts(name, from, to);
  }
}

function parseCursor(cursor: string): { at: number; messageId: string } {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    v = undefined;
  }
  if (!Array.isArray(v) || !Number.isSafeInteger(v[0]) || typeof v[1] !== 'string') {
    throw new WeirError('invalid_request', 'cursor is the next_cursor of a previous page', { status: 400, path: ['cursor'] });
  }
  return { at: v[0] as number, messageId: v[1] as string };
}

/** The conversation's title: its first message on one line, cut to 80 characters. */
export function titleOf(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/** Complete exchanges: a user message followed by an answer that did not fail. */
export function turnsOf(messages: MessageRow[]): Turn[] {
  const turns: Turn[] = [];
  for (let i = 0; i + 1 < messages.length; i++) {
    const [q, a] = [messages[i], messages[i + 1]];
    if (q.role === 'user' && a.role === 'assistant' && !a.error) {
      turns.push({ user: q.content, assistant: a.content });
      i++;
    }
  }
  return turns;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A flow's `citations` output as the app shows them: objects with a source and a text; anything else left out. */
export function citationsOf(value: unknown): MessageCitation[] | null {
  if (!Array.isArray(value)) return null;
  const out: MessageCitation[] = [];
  for (const c of value.slice(0, MAX_CITATIONS)) {
    if (c === null || typeof c !== 'object') continue;
    const o = c as Record<string, unknown>;
    const source = str(o.source);
    const text = str(o.text);
    if (source === null || text === null) continue;
    const heading = Array.isArray(o.heading_path) ? o.heading_path.filter((h): h is string => typeof h === 'string') : str(o.heading_path);
    out.push({ n: num(o.n), source, title: str(o.title), heading_path: heading, page: num(o.page), text: text.slice(0, MAX_CITATION_TEXT), start: num(o.start), end: num(o.end) });
  }
  return out;
}
