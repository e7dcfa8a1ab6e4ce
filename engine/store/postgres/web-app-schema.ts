/** Web apps' tables: visitors' conversations, their messages, feedback on answers. See schema.ts. */
import { index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { int8, userJson } from './column-types.ts';
import type { MessageCitation } from '../web-app-types.ts';

export const webAppConversations = pgTable(
  'web_app_conversations',
  {
    id: text('id').primaryKey(),
    deployment: text('deployment').notNull(),
    visitor: text('visitor').notNull(),
    title: text('title').notNull(),
    createdAt: int8('created_at').notNull(),
    updatedAt: int8('updated_at').notNull(),
  },
  (t) => [index('web_app_conversations_visitor').on(t.deployment, t.visitor, t.updatedAt)],
);

export const webAppMessages = pgTable(
  'web_app_messages',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id').notNull(),
    seq: integer('seq').notNull(),
    role: text('role').$type<'user' | 'assistant'>().notNull(),
    content: text('content').notNull(),
    citations: userJson('citations').$type<MessageCitation[]>(),
    error: jsonb('error').$type<{ code: string; message: string }>(),
    createdAt: int8('created_at').notNull(),
  },
  (t) => [index('web_app_messages_conversation').on(t.conversationId, t.seq)],
);

export const webAppFeedback = pgTable(
  'web_app_feedback',
  {
    messageId: text('message_id').primaryKey(),
    conversationId: text('conversation_id').notNull(),
    deployment: text('deployment').notNull(),
    visitor: text('visitor').notNull(),
    rating: text('rating').$type<'up' | 'down'>().notNull(),
    comment: text('comment'),
    createdAt: int8('created_at').notNull(),
  },
  (t) => [index('web_app_feedback_deployment').on(t.deployment, t.createdAt), index('web_app_feedback_conversation').on(t.conversationId)],
);
