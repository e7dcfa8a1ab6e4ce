import { Hono } from 'hono';
import { z } from 'zod';
import type { Workspace } from '../../app/workspace.ts';
import { readJson } from '../body.ts';
import { NAME } from './deployments.ts';
import { expiryOf, KeyBody, sharedKeyJson } from './key-json.ts';

const SharedKeyBody = KeyBody.extend({
  /** The deployments it opens, by name (they need not exist yet), or "*" for all of them. */
  deployments: z.union([z.literal('*'), z.array(z.string().regex(NAME, 'a deployment name is lower-case letters, digits and -, up to 63 characters')).min(1).max(100)]),
});

/**
 * Shared keys (/api/keys): one key for several deployments — a RAG app's chat and embeddings — or
 * for all, as an Azure resource key or an OpenAI project key. Published endpoints, /v1 and /openai
 * take them like a deployment's own key.
 */
export function keyRoutes(ws: Workspace): Hono {
  const app = new Hono();
  const deployments = ws.deployments;

  app.post('/', async (c) => {
    const body = await readJson(c, SharedKeyBody);
    const names = body.deployments === '*' ? '*' : [...new Set(body.deployments)];
    const { row, secret } = await deployments.createSharedKey(body.name, names, { expiresAt: expiryOf(body.expires_at), rpm: body.rpm ?? null, tpm: body.tpm ?? null });
    return c.json({ ...sharedKeyJson(row), key: secret, note: 'the key is shown once; store it now' }, 201);
  });

  app.get('/', async (c) => c.json({ data: (await deployments.listSharedKeys()).map(sharedKeyJson) }));

  app.delete('/:id', async (c) => {
    await deployments.revokeSharedKey(c.req.param('id'));
    return c.body(null, 204);
  });

  return app;
}
