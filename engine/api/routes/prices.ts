import { Hono } from 'hono';
import { z } from 'zod';
import { WeirError } from '../../errors.ts';
import { toModelPrice } from '../../app/gateway/prices.ts';
import type { Workspace } from '../../app/workspace.ts';
import type { ModelPrice } from '../../models/types.ts';
import type { PriceRow } from '../../store/types.ts';
import { readJson } from '../body.ts';

const Usd = z.number().min(0).max(1_000_000).nullable().optional();
const AddBody = z
  .object({
    /** ISO 8601 with its offset; default: now. */
    effective_from: z.string().datetime({ offset: true }).optional(),
    input_per_1k: Usd,
    output_per_1k: Usd,
    per_hour: Usd,
  })
  .strict();

const priceJson = (p: ModelPrice | null) => (p ? { input_per_1k: p.inputPer1k ?? null, output_per_1k: p.outputPer1k ?? null, per_hour: p.perHour ?? null } : null);
const rowJson = (r: PriceRow) => ({ effective_from: new Date(r.effectiveFrom).toISOString(), ...priceJson(toModelPrice(r)) });

/** A model's price over time: the catalog's by default, then each price set from its date on (USD per 1 000 tokens, per hour deployed). */
export function priceRoutes(ws: Workspace): Hono {
  const app = new Hono();
  const prices = ws.gateway.prices;

  app.get('/:model{.+}', async (c) => {
    const { entry, prices: rows } = await prices.history(c.req.param('model'));
    return c.json({ model: entry.id, catalog: priceJson(entry.price), current: priceJson(await prices.priceAt(entry)), history: rows.map(rowJson) });
  });

  app.post('/:model{.+}', async (c) => {
    const b = await readJson(c, AddBody);
    if (b.input_per_1k === undefined && b.output_per_1k === undefined && b.per_hour === undefined) {
      throw new WeirError('invalid_request', 'give input_per_1k, output_per_1k or per_hour (USD; null: not charged)', { status: 400, path: ['input_per_1k'] });
    }
    const row = await prices.add({
      model: c.req.param('model'),
      effectiveFrom: b.effective_from ? Date.parse(b.effective_from) : Date.now(),
      inputPer1k: b.input_per_1k ?? null,
      outputPer1k: b.output_per_1k ?? null,
      perHour: b.per_hour ?? null,
    });
    return c.json({ model: row.model, ...rowJson(row) }, 201);
  });

  return app;
}
