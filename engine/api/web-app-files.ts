/**
 * The web app's built files: the page (vite's second entry, editor/app.html) and the embed script
 * (editor/public/weir-embed.js), both written to dist/editor by the studio build, found from the
 * source tree or from dist/ as the studio is. Never the editor's sources: their app.html is not
 * servable until built.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type WebAppFile = 'app.html' | 'weir-embed.js';

function builtDir(file: WebAppFile): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [path.join(here, '../../dist/editor'), path.join(here, '../../editor')]) {
    if (existsSync(path.join(dir, file)) && !existsSync(path.join(dir, 'src'))) return dir;
  }
  return null;
}

/** The file's text, read on each request (a rebuilt app shows on reload); null when it is not built. */
export async function webAppFile(file: WebAppFile): Promise<string | null> {
  const dir = builtDir(file);
  if (!dir) return null;
  try {
    return await readFile(path.join(dir, file), 'utf8');
  } catch {
    return null;
  }
}

const page = (title: string, body: string) => `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<main style="font:16px/1.5 system-ui,sans-serif;color:#1f2328;max-width:36rem;margin:4rem auto;padding:0 1rem"><h1 style="font-size:1.4rem">${title}</h1><p>${body}</p></main></html>`;

/** An unknown or disabled app: the same page for both, so it says nothing of which deployments exist. */
export const APP_NOT_AVAILABLE = page('This app is not available', 'There is no app at this address, or it has been turned off. Check the link you were given.');

export const APP_NOT_BUILT = page('The web app is not built', 'Run <code>npm run build</code> (or <code>npm start</code>, which builds it) and reload.');

export const EMBED_NOT_BUILT = 'console.error("Weir: the web app embed script is not built; run npm run build on the server.");\n';
