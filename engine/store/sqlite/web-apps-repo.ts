import { and, asc, count, desc, eq, gte, lt, or } from 'drizzle-orm';
import type { FeedbackView, WebAppsPort } from '../web-app-types.ts';
import type { Sync } from './async.ts';
import type { Db } from './db.ts';
import { webAppConversations, webAppFeedback, webAppMessages } from './web-app-schema.ts';

export function webAppsRepo(db: Db): Sync<WebAppsPort> {
  return {
    createConversation: (row) => void db.insert(webAppConversations).values(row).run(),
    conversation: (id) => db.select().from(webAppConversations).where(eq(webAppConversations.id, id)).get(),
    conversations: (deployment, visitor, limit) =>
      db.select().from(webAppConversations).where(and(eq(webAppConversations.deployment, deployment), eq(webAppConversations.visitor, visitor)))
        .orderBy(desc(webAppConversations.updatedAt), desc(webAppConversations.id)).limit(limit).all(),
    deleteConversation: (id) =>
      db.transaction((tx) => {
        tx.delete(webAppFeedback).where(eq(webAppFeedback.conversationId, id)).run();
        tx.delete(webAppMessages).where(eq(webAppMessages.conversationId, id)).run();
        return tx.delete(webAppConversations).where(eq(webAppConversations.id, id)).run().changes > 0;
      }),
    addMessage: (row) => {
      db.transaction((tx) => {
        tx.insert(webAppMessages).values(row).run();
        tx.update(webAppConversations).set({ updatedAt: row.createdAt }).where(eq(webAppConversations.id, row.conversationId)).run();
      });
    },
    messages: (conversationId) => db.select().from(webAppMessages).where(eq(webAppMessages.conversationId, conversationId)).orderBy(asc(webAppMessages.seq), asc(webAppMessages.createdAt)).all(),
    message: (id) => db.select().from(webAppMessages).where(eq(webAppMessages.id, id)).get(),
    putFeedback: (row) => {
      db.insert(webAppFeedback).values(row).onConflictDoUpdate({ target: webAppFeedback.messageId, set: { rating: row.rating, comment: row.comment, createdAt: row.createdAt } }).run();
    },
    feedbackOf: (conversationId) => db.select().from(webAppFeedback).where(eq(webAppFeedback.conversationId, conversationId)).all(),
    feedback: (deployment, page) => {
      const f = webAppFeedback;
      const before = page.before ? or(lt(f.createdAt, page.before.at), and(eq(f.createdAt, page.before.at), lt(f.messageId, page.before.messageId))) : undefined;
      const rows = db.select().from(f).where(and(eq(f.deployment, deployment), before)).orderBy(desc(f.createdAt), desc(f.messageId)).limit(page.limit).all();
      return rows.map((r): FeedbackView => {
        const answer = db.select().from(webAppMessages).where(eq(webAppMessages.id, r.messageId)).get();
        const question = answer ? db.select().from(webAppMessages).where(and(eq(webAppMessages.conversationId, r.conversationId), eq(webAppMessages.seq, answer.seq - 1))).get() : undefined;
        return { ...r, question: question?.content ?? null, answer: answer?.content ?? null };
      });
    },
    feedbackCounts: (deployment, from, to) => {
      const f = webAppFeedback;
      const rows = db.select({ rating: f.rating, n: count() }).from(f).where(and(eq(f.deployment, deployment), gte(f.createdAt, from), lt(f.createdAt, to))).groupBy(f.rating).all();
      return { up: rows.find((r) => r.rating === 'up')?.n ?? 0, down: rows.find((r) => r.rating === 'down')?.n ?? 0 };
    },
  };
}
