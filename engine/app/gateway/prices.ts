/**
 * What a model costs at a given time: the latest price set for it with an effective date at or
 * before then, else the catalog's (the default, editable by adding a price). Set prices are read
 * from the store at most once a second per instance, so a price that takes effect now is used by
 * every instance within a second.
 */
import { WeirError } from '../../errors.ts';
import type { ModelCatalog } from '../../models/catalog.ts';
import type { ModelEntry, ModelPrice } from '../../models/types.ts';
import type { PriceRow, Store } from '../../store/types.ts';

const FRESH_MS = 1000;

export const toModelPrice = (r: PriceRow): ModelPrice => ({
  ...(r.inputPer1k !== null ? { inputPer1k: r.inputPer1k } : {}),
  ...(r.outputPer1k !== null ? { outputPer1k: r.outputPer1k } : {}),
  ...(r.perHour !== null ? { perHour: r.perHour } : {}),
});

export class Prices {
  #byModel: Map<string, PriceRow[]> | undefined;
  #readAt = 0;

  constructor(
    private readonly store: Store,
    private readonly catalog: ModelCatalog,
  ) {}

  async #set(): Promise<Map<string, PriceRow[]>> {
    if (this.#byModel && Date.now() - this.#readAt < FRESH_MS) return this.#byModel;
    const byModel = new Map<string, PriceRow[]>();
    for (const r of await this.store.prices.list()) byModel.set(r.model, [...(byModel.get(r.model) ?? []), r]);
    this.#readAt = Date.now();
    return (this.#byModel = byModel);
  }

  /** The price in effect for `entry` at `at`. */
  async priceAt(entry: Pick<ModelEntry, 'id' | 'price'>, at = Date.now()): Promise<ModelPrice | null> {
    const rows = (await this.#set()).get(entry.id);
    const r = rows && findLast(rows, (x) => x.effectiveFrom <= at);
    return r ? toModelPrice(r) : entry.price;
  }

  /**
   * Periods of [from, to) with the price in effect in each (hosting is billed by the hour at the
   * price of each hour): the catalog's until the first set price takes effect.
   */
  async periods(entry: Pick<ModelEntry, 'id' | 'price'>, from: number, to: number): Promise<{ from: number; to: number; price: ModelPrice | null }[]> {
    const rows = (await this.#set()).get(entry.id) ?? [];
    const out: { from: number; to: number; price: ModelPrice | null }[] = [];
    let start = from;
    let price = await this.priceAt(entry, from);
    for (const r of rows) {
      if (r.effectiveFrom <= from) continue;
      if (r.effectiveFrom >= to) break;
      out.push({ from: start, to: r.effectiveFrom, price });
      start = r.effectiveFrom;
      price = toModelPrice(r);
    }
    out.push({ from: start, to, price });
    return out;
  }

  async history(model: string): Promise<{ entry: ModelEntry; prices: PriceRow[] }> {
    const entry = await this.catalog.get(model);
    if (!entry) throw new WeirError('model_not_found', `model "${model}" is not in the catalog (GET /api/models)`, { status: 404, path: ['model'] });
    return { entry, prices: await this.store.prices.list(model) };
  }

  async add(row: PriceRow): Promise<PriceRow> {
    await this.history(row.model);
    const saved = await this.store.prices.put(row);
    this.#byModel = undefined;
    return saved;
  }
}

function findLast<T>(xs: T[], ok: (x: T) => boolean): T | undefined {
  for (let i = xs.length - 1; i >= 0; i--) if (ok(xs[i])) return xs[i];
  return undefined;
}
