import { and, asc, count, desc, eq, gte, lt, or } from 'drizzle-orm';
import type { FeedbackView, WebAppsPort } from '../web-app-types.ts';
import type { Db } from './db.ts';
import { webAppConversations, webAppFeedback, webAppMessages } from './web-app-schema.ts';

export function webAppsRepo(db: Db): WebAppsPort {
  return {
    createConversation: async (row) => void (await db.insert(webAppConversations).values(row)),
    conversation: async (id) => (await db.select().from(webAppConversations).where(eq(webAppConversations.id, id)))[0],
    conversations: async (deployment, visitor, limit) =>
      db.select().from(webAppConversations).where(and(eq(webAppConversations.deployment, deployment), eq(webAppConversations.visitor, visitor)))
        .orderBy(desc(webAppConversations.updatedAt), desc(webAppConversations.id)).limit(limit),
    deleteConversation: async (id) =>
      db.transaction(async (tx) => {
        await tx.delete(webAppFeedback).where(eq(webAppFeedback.conversationId, id));
        await tx.delete(webAppMessages).where(eq(webAppMessages.conversationId, id));
        return ((await tx.delete(webAppConversations).where(eq(webAppConversations.id, id))).rowCount ?? 0) > 0;
      }),
    addMessage: async (row) => {
      await db.transaction(async (tx) => {
        await tx.insert(webAppMessages).values(row);
        await tx.update(webAppConversations).set({ updatedAt: row.createdAt }).where(eq(webAppConversations.id, row.conversationId));
      });
    },
    messages: async (conversationId) => db.select().from(webAppMessages).where(eq(webAppMessages.conversationId, conversationId)).orderBy(asc(webAppMessages.seq), asc(webAppMessages.createdAt)),
    message: async (id) => (await db.select().from(webAppMessages).where(eq(webAppMessages.id, id)))[0],
    putFeedback: async (row) => {
      await db.insert(webAppFeedback).values(row).onConflictDoUpdate({ target: webAppFeedback.messageId, set: { rating: row.rating, comment: row.comment, createdAt: row.createdAt } });
    },
    feedbackOf: async (conversationId) => db.select().from(webAppFeedback).where(eq(webAppFeedback.conversationId, conversationId)),
    feedback: async (deployment, page) => {
      const f = webAppFeedback;
      const before = page.before ? or(lt(f.createdAt, page.before.at), and(eq(f.createdAt, page.before.at), lt(f.messageId, page.before.messageId))) : undefined;
      const rows = await db.select().from(f).where(and(eq(f.deployment, deployment), before)).orderBy(desc(f.createdAt), desc(f.messageId)).limit(page.limit);
      return Promise.all(rows.map(async (r): Promise<FeedbackView> => {
        const [answer] = await db.select().from(webAppMessages).where(eq(webAppMessages.id, r.messageId));
        const [question] = answer ? await db.select().from(webAppMessages).where(and(eq(webAppMessages.conversationId, r.conversationId), eq(webAppMessages.seq, answer.seq - 1))) : [];
        return { ...r, question: question?.content ?? null, answer: answer?.content ?? null };
      }));
    },
    feedbackCounts: async (deployment, from, to) => {
      const f = webAppFeedback;
      const rows = await db.select({ rating: f.rating, n: count() }).from(f).where(and(eq(f.deployment, deployment), gte(f.createdAt, from), lt(f.createdAt, to))).groupBy(f.rating);
      return { up: Number(rows.find((r) => r.rating === 'up')?.n ?? 0), down: Number(rows.find((r) => r.rating === 'down')?.n ?? 0) };
    },
  };
}
