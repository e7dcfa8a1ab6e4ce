/**
 * A deployment's chat web app at /apps/{name}, outside the admin token: the page, its settings,
 * a visitor's conversations, feedback on answers, and the embed script (the chat itself:
 * web-app-chat.ts). Every answer may be framed by any site (the app is made to be embedded).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Workspace } from '../../app/workspace.ts';
import type { FeedbackRow, MessageRow } from '../../store/types.ts';
import { readJson } from '../body.ts';
import { APP_NOT_AVAILABLE, APP_NOT_BUILT, EMBED_NOT_BUILT, webAppFile, type WebAppFile } from '../web-app-files.ts';
import { checkId, enterApp } from './web-app-access.ts';
import { webAppChat } from './web-app-chat.ts';

const FeedbackBody = z.object({ rating: z.enum(['up', 'down'], { message: 'rating is "up" or "down"' }), comment: z.string().max(2000, 'the comment is at most 2000 characters').nullable().optional() }).strict();

const iso = (t: number) => new Date(t).toISOString();

function messageJson(m: MessageRow, f: FeedbackRow | undefined) {
  return { id: m.id, role: m.role, content: m.content, citations: m.citations, error: m.error, feedback: f ? { rating: f.rating, comment: f.comment } : null, created_at: iso(m.createdAt) };
}

/** Mounted at /apps. `files` reads the built page and script (null: not built). */
export function webAppRoutes(ws: Workspace, files: (file: WebAppFile) => Promise<string | null> = webAppFile): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    c.res.headers.set('content-security-policy', 'frame-ancestors *');
    c.res.headers.delete('x-frame-options');
  });

  app.get('/:name', async (c) => {
    const served = await ws.webApps.app(c.req.param('name')).catch(() => null);
    if (!served) return c.html(APP_NOT_AVAILABLE, 404, { 'cache-control': 'no-cache' });
    const html = await files('app.html');
    if (html === null) return c.html(APP_NOT_BUILT, 503);
    return c.html(html, 200, { 'cache-control': 'no-cache' });
  });

  app.get('/:name/embed.js', async (c) => {
    const served = await ws.webApps.app(c.req.param('name')).catch(() => null);
    const headers = { 'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'no-cache' };
    if (!served) return c.body(`console.error(${JSON.stringify(`Weir: no web app is served at /apps/${c.req.param('name')}`)});\n`, 404, headers);
    const js = await files('weir-embed.js');
    return js === null ? c.body(EMBED_NOT_BUILT, 503, headers) : c.body(js, 200, headers);
  });

  app.get('/:name/config', async (c) => {
    const { d, settings } = await ws.webApps.app(c.req.param('name'));
    return c.json({ name: d.name, title: settings.title, description: settings.description, logo: settings.logo, accent: settings.accent, auth: settings.auth, kind: d.kind, citations: await ws.webApps.citations(d) });
  });

  app.get('/:name/conversations', async (c) => {
    const { d, visitor } = await enterApp(c, ws);
    const rows = await ws.webApps.conversations(d, visitor);
    return c.json({ data: rows.map((r) => ({ id: r.id, title: r.title, created_at: iso(r.createdAt), updated_at: iso(r.updatedAt) })) });
  });

  app.get('/:name/conversations/:id', async (c) => {
    const { d, visitor } = await enterApp(c, ws);
    const conv = await ws.webApps.conversation(d, visitor, checkId(c.req.param('id'), 'conversation_id'));
    const { messages, feedback } = await ws.webApps.transcript(conv);
    return c.json({ id: conv.id, title: conv.title, created_at: iso(conv.createdAt), updated_at: iso(conv.updatedAt), messages: messages.map((m) => messageJson(m, feedback.get(m.id))) });
  });

  app.delete('/:name/conversations/:id', async (c) => {
    const { d, visitor } = await enterApp(c, ws);
    await ws.webApps.deleteConversation(d, visitor, checkId(c.req.param('id'), 'conversation_id'));
    return c.body(null, 204);
  });

  app.post('/:name/messages/:id/feedback', async (c) => {
    const { d, visitor } = await enterApp(c, ws);
    const id = checkId(c.req.param('id'), 'message_id');
    const body = await readJson(c, FeedbackBody);
    const row = await ws.webApps.rate(d, visitor, id, body.rating, body.comment?.trim() || null);
    return c.json({ rating: row.rating, comment: row.comment });
  });

  app.post('/:name/chat', (c) => webAppChat(c, ws));

  return app;
}
