import { describe, expect, it } from 'vitest';
import type { ConversationRow, MessageRow } from '../types.ts';
import type { StoreContext } from './index.ts';

const T = Date.UTC(2026, 11, 6, 12);
const conv = (over: Partial<ConversationRow> = {}): ConversationRow => ({ id: 'c1', deployment: 'chat', visitor: 'visitor-aaaaaaaaaaaa', title: 'How far is it?', createdAt: T, updatedAt: T, ...over });
const msg = (over: Partial<MessageRow> = {}): MessageRow => ({ id: 'm0', conversationId: 'c1', seq: 0, role: 'user', content: 'How far is it?', citations: null, error: null, createdAt: T, ...over });

export function webAppsContract(ctx: StoreContext): void {
  describe('web apps', () => {
    it('keeps conversations and their messages (citations, errors) across a reopen, in order', async () => {
      await ctx.store.webApps.createConversation(conv());
      const citations = [{ n: 1, source: 'a.md', title: 'A', heading_path: ['Intro', 'Distances'], page: null, text: 'It is 5 km.\u00e9', start: 0, end: 11 }];
      await ctx.store.webApps.addMessage(msg());
      await ctx.store.webApps.addMessage(msg({ id: 'm1', seq: 1, role: 'assistant', content: 'It is 5 km [1].', citations, createdAt: T + 5 }));
      await ctx.store.webApps.addMessage(msg({ id: 'm3', seq: 3, role: 'assistant', content: 'It is', error: { code: 'content_filter', message: 'filtered' }, createdAt: T + 9 }));
      await ctx.store.webApps.addMessage(msg({ id: 'm2', seq: 2, content: 'And back?', createdAt: T + 8 }));
      const s = await ctx.reopen();
      expect(await s.webApps.conversation('c1')).toEqual(conv({ updatedAt: T + 8 }));
      const messages = await s.webApps.messages('c1');
      expect(messages.map((m) => m.id)).toEqual(['m0', 'm1', 'm2', 'm3']);
      expect(messages[1]).toEqual(msg({ id: 'm1', seq: 1, role: 'assistant', content: 'It is 5 km [1].', citations, createdAt: T + 5 }));
      expect(messages[3].error).toEqual({ code: 'content_filter', message: 'filtered' });
      expect(await s.webApps.message('m2')).toMatchObject({ content: 'And back?', seq: 2 });
      expect(await s.webApps.message('nope')).toBeUndefined();
      expect(await s.webApps.conversation('nope')).toBeUndefined();
    });

    it("lists a visitor's conversations with a deployment, most recently updated first, and deletes one with its messages and feedback", async () => {
      await ctx.store.webApps.createConversation(conv({ id: 'old', updatedAt: T }));
      await ctx.store.webApps.createConversation(conv({ id: 'new', updatedAt: T + 1 }));
      await ctx.store.webApps.createConversation(conv({ id: 'theirs', visitor: 'someone-else-000000' }));
      await ctx.store.webApps.createConversation(conv({ id: 'elsewhere', deployment: 'other' }));
      await ctx.store.webApps.addMessage(msg({ id: 'a', conversationId: 'old', createdAt: T + 2 }));
      const other = await ctx.another();
      expect((await other.webApps.conversations('chat', 'visitor-aaaaaaaaaaaa', 10)).map((c) => c.id)).toEqual(['old', 'new']);
      expect((await other.webApps.conversations('chat', 'visitor-aaaaaaaaaaaa', 1)).map((c) => c.id)).toEqual(['old']);
      await ctx.store.webApps.addMessage(msg({ id: 'b', conversationId: 'old', seq: 1, role: 'assistant', createdAt: T + 3 }));
      await ctx.store.webApps.putFeedback({ messageId: 'b', conversationId: 'old', deployment: 'chat', visitor: 'visitor-aaaaaaaaaaaa', rating: 'up', comment: null, createdAt: T + 4 });
      expect(await other.webApps.deleteConversation('old')).toBe(true);
      expect(await ctx.store.webApps.deleteConversation('old')).toBe(false);
      expect(await ctx.store.webApps.messages('old')).toEqual([]);
      expect(await ctx.store.webApps.feedbackOf('old')).toEqual([]);
      expect(await ctx.store.webApps.feedbackCounts('chat', 0, T + 100)).toEqual({ up: 0, down: 0 });
    });

    it('keeps one rating per message (a new one replaces it), pages feedback newest first with its question and answer, and counts a window', async () => {
      await ctx.store.webApps.createConversation(conv());
      for (let i = 0; i < 6; i++) await ctx.store.webApps.addMessage(msg({ id: `m${i}`, seq: i, role: i % 2 ? 'assistant' : 'user', content: `text ${i}`, createdAt: T + i }));
      const rate = (id: string, rating: 'up' | 'down', at: number, comment: string | null = null) =>
        ctx.store.webApps.putFeedback({ messageId: id, conversationId: 'c1', deployment: 'chat', visitor: 'visitor-aaaaaaaaaaaa', rating, comment, createdAt: at });
      await rate('m1', 'up', T + 10);
      await rate('m3', 'down', T + 11, 'wrong — “quotes”');
      await rate('m5', 'up', T + 12);
      await rate('m1', 'down', T + 13, 'changed my mind');
      expect((await ctx.store.webApps.feedbackOf('c1')).length).toBe(3);
      const first = await ctx.store.webApps.feedback('chat', { limit: 2 });
      expect(first.map((f) => [f.messageId, f.rating, f.comment, f.question, f.answer])).toEqual([['m1', 'down', 'changed my mind', 'text 0', 'text 1'], ['m5', 'up', null, 'text 4', 'text 5']]);
      const next = await ctx.store.webApps.feedback('chat', { limit: 2, before: { at: first[1].createdAt, messageId: first[1].messageId } });
      expect(next.map((f) => [f.messageId, f.comment])).toEqual([['m3', 'wrong — “quotes”']]);
      expect(await ctx.store.webApps.feedback('other', { limit: 5 })).toEqual([]);
      expect(await ctx.store.webApps.feedbackCounts('chat', T, T + 100)).toEqual({ up: 1, down: 2 });
      expect(await ctx.store.webApps.feedbackCounts('chat', T + 12, T + 13)).toEqual({ up: 1, down: 0 });
    });
  });
}
