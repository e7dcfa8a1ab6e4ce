import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono, MiddlewareHandler } from 'hono';

/** The built studio (vite writes it to dist/editor), found from the source tree or from dist/. */
export function studioDir(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [path.join(here, '../../dist/editor'), path.join(here, '../../editor')]) {
    if (existsSync(path.join(dir, 'index.html'))) return dir;
  }
  return null;
}

const MISSING = `<!doctype html><meta charset="utf-8"><title>Weir</title>
<p style="font:16px system-ui;margin:3rem">The studio is not built. Run <code>npm run build</code> (or <code>npm start</code>, which builds it) and reload.</p>`;

const BEING_BUILT = `<!doctype html><meta charset="utf-8"><title>Weir</title><meta http-equiv="refresh" content="3">
<p style="font:16px system-ui;margin:3rem">The studio is being rebuilt (its files are being written). This page reloads in a few seconds.</p>`;

/**
 * Serves the studio at the root. Its files are public (the admin token is asked for in the page);
 * hashed assets are cached for a year, index.html never, so a rebuilt studio shows on reload.
 */
export function mountStudio(app: Hono, dir = studioDir()): void {
  if (!dir) {
    app.get('/', (c) => c.html(MISSING, 503));
    return;
  }
  const root = path.relative(process.cwd(), dir) || '.';
  const cache = (value: string): MiddlewareHandler => async (c, next) => {
    await next();
    if (c.res.status === 200) c.header('cache-control', value);
  };
  app.use('/assets/*', cache('public, max-age=31536000, immutable'), serveStatic({ root }));
  app.get('/favicon.svg', serveStatic({ root }));
  // A build in progress empties the folder for a moment: say so, rather than fall through to a 404/405.
  app.get('/', cache('no-cache'), serveStatic({ root, path: 'index.html' }), (c) => c.html(BEING_BUILT, 503));
}
