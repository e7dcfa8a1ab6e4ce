/** Web apps' rows: a visitor's conversations with a deployment, their messages, and feedback on answers. */

export interface ConversationRow {
  id: string;
  deployment: string;
  /** The anonymous visitor id the page keeps (weir-visitor): only this visitor sees the conversation. */
  visitor: string;
  /** The first user message, cut to 80 characters. */
  title: string;
  createdAt: number;
  updatedAt: number;
}

export interface MessageCitation {
  n: number | null;
  source: string;
  title: string | null;
  heading_path: string[] | string | null;
  page: number | null;
  text: string;
  start: number | null;
  end: number | null;
}

export interface MessageRow {
  id: string;
  conversationId: string;
  /** Its place in the conversation (0, 1, …): a user message, then its answer. */
  seq: number;
  role: 'user' | 'assistant';
  content: string;
  citations: MessageCitation[] | null;
  /** An answer that failed or was filtered (what was said before it is kept in `content`). */
  error: { code: string; message: string } | null;
  createdAt: number;
}

export interface FeedbackRow {
  /** The rated (assistant) message: one rating per message, a new one replaces it. */
  messageId: string;
  conversationId: string;
  deployment: string;
  visitor: string;
  rating: 'up' | 'down';
  comment: string | null;
  createdAt: number;
}

/** A feedback row with the question and answer it rates (the admin's list). */
export interface FeedbackView extends FeedbackRow {
  question: string | null;
  answer: string | null;
}

export interface WebAppsPort {
  createConversation(row: ConversationRow): Promise<void>;
  conversation(id: string): Promise<ConversationRow | undefined>;
  /** A visitor's conversations with a deployment, most recently updated first. */
  conversations(deployment: string, visitor: string, limit: number): Promise<ConversationRow[]>;
  /** Deletes it with its messages and their feedback; false when there was none. */
  deleteConversation(id: string): Promise<boolean>;
  /** Adds a message and sets its conversation's updatedAt to the message's time. */
  addMessage(row: MessageRow): Promise<void>;
  /** In conversation order. */
  messages(conversationId: string): Promise<MessageRow[]>;
  message(id: string): Promise<MessageRow | undefined>;
  /** Stores a rating, replacing the message's earlier one. */
  putFeedback(row: FeedbackRow): Promise<void>;
  feedbackOf(conversationId: string): Promise<FeedbackRow[]>;
  /** A deployment's feedback, newest first; `before`: strictly older than this (createdAt, messageId) in that order. */
  feedback(deployment: string, page: { limit: number; before?: { at: number; messageId: string } }): Promise<FeedbackView[]>;
  /** Ratings given in [from, to). */
  feedbackCounts(deployment: string, from: number, to: number): Promise<{ up: number; down: number }>;
}
