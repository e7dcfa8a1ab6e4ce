import { Hono } from 'hono';
import { z } from 'zod';
import { rpmOf } from '../../app/gateway/limits.ts';
import type { Pool } from '../../app/gateway/quotas.ts';
import type { Workspace } from '../../app/workspace.ts';
import { readJson } from '../body.ts';

const PutBody = z.object({ tpm: z.number().int().min(1).max(1_000_000_000_000) }).strict();

export const poolJson = (p: Pool) => ({
  model: p.model,
  tpm: p.tpm,
  // The configured default until the operator sets one.
  default: !p.set,
  allocated: p.allocated,
  left: p.left,
  deployments: p.deployments.map((d) => ({ name: d.name, tpm: d.tpm, rpm: rpmOf(d.tpm) })),
});

const mb = (bytes: number) => Math.ceil(bytes / (1024 * 1024));

/** The memory this instance offers local model deployments and what their loaded models use (Azure's compute quota). */
export function computeRoutes(ws: Workspace): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const u = await ws.compute.use();
    return c.json({
      threads: u.offer.threads,
      memory_mb: { offered: mb(u.offer.memoryBytes), used: mb(u.usedBytes), left: Math.floor(u.leftBytes / (1024 * 1024)) },
      models: u.models.map((m) => ({ model: m.model, context_size: m.contextSize, memory_mb: mb(m.memoryBytes), deployments: m.deployments })),
    });
  });
  return app;
}

/** Tokens-per-minute pools per remote model, and what their deployments hold (Azure's quota page). */
export function quotaRoutes(ws: Workspace): Hono {
  const app = new Hono();
  const quotas = ws.gateway.quotas;

  app.get('/', async (c) => c.json({ data: (await quotas.list()).map(poolJson), default_tpm: quotas.settings.defaultPoolTpm, default_allocation_tpm: quotas.settings.defaultAllocationTpm }));
  // Catalog ids may hold a slash (publisher/model).
  app.get('/:model{.+}', async (c) => c.json(poolJson(await quotas.pool(c.req.param('model')))));
  app.put('/:model{.+}', async (c) => {
    const { tpm } = await readJson(c, PutBody);
    return c.json(poolJson(await quotas.setPool(c.req.param('model'), tpm)));
  });

  return app;
}
