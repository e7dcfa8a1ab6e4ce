/** Web apps' tables: visitors' conversations, their messages, feedback on answers. See schema.ts. */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { MessageCitation } from '../web-app-types.ts';

export const webAppConversations = sqliteTable(
  'web_app_conversations',
  {
    id: text('id').primaryKey(),
    deployment: text('deployment').notNull(),
    visitor: text('visitor').notNull(),
    title: text('title').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('web_app_conversations_visitor').on(t.deployment, t.visitor, t.updatedAt)],
);

export const webAppMessages = sqliteTable(
  'web_app_messages',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id').notNull(),
    seq: integer('seq').notNull(),
    role: text('role').$type<'user' | 'assistant'>().notNull(),
    content: text('content').notNull(),
    citations: text('citations', { mode: 'json' }).$type<MessageCitation[]>(),
    error: text('error', { mode: 'json' }).$type<{ code: string; message: string }>(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('web_app_messages_conversation').on(t.conversationId, t.seq)],
);

export const webAppFeedback = sqliteTable(
  'web_app_feedback',
  {
    messageId: text('message_id').primaryKey(),
    conversationId: text('conversation_id').notNull(),
    deployment: text('deployment').notNull(),
    visitor: text('visitor').notNull(),
    rating: text('rating').$type<'up' | 'down'>().notNull(),
    comment: text('comment'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('web_app_feedback_deployment').on(t.deployment, t.createdAt), index('web_app_feedback_conversation').on(t.conversationId)],
);
