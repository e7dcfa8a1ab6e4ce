/**
 * Usage over a time range, summed by what the operator asks (deployment, key, model, day or hour),
 * from the per-minute rows the gateway's meter writes. A row's model is its deployment's model
 * (flow deployments call several, so theirs is null); a deployment deleted since has no model.
 */
import { WeirError } from '../errors.ts';
import { isLocal, type ModelCatalog } from '../models/catalog.ts';
import type { DeploymentRow, Store, UsageRow } from '../store/types.ts';
import type { Prices } from './gateway/prices.ts';
import { toCsv } from './csv.ts';

export const USAGE_GROUPS = ['deployment', 'key', 'model', 'day', 'hour'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export interface UsageQuery {
  from: number;
  to: number;
  deployment?: string;
  keyId?: string;
  model?: string;
  groupBy: UsageGroup[];
}

export interface UsageLine {
  deployment?: string;
  key?: string | null;
  model?: string | null;
  day?: string;
  hour?: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost: number;
}

const MINUTE_MS = 60_000;

function bucket(minute: number, unit: 'day' | 'hour'): string {
  const iso = new Date(minute * MINUTE_MS).toISOString();
  return unit === 'day' ? iso.slice(0, 10) : `${iso.slice(0, 13)}:00Z`;
}

/** Checks what a caller asked for (names the parameter at fault). */
export function parseGroups(raw: string | undefined): UsageGroup[] {
  if (!raw) return [];
  const groups = raw.split(',').map((g) => g.trim()).filter(Boolean);
  for (const g of groups) {
    if (!(USAGE_GROUPS as readonly string[]).includes(g)) throw new WeirError('invalid_request', `group_by takes ${USAGE_GROUPS.join(', ')}, not "${g}"`, { status: 400, path: ['group_by'] });
  }
  if (groups.includes('day') && groups.includes('hour')) throw new WeirError('invalid_request', 'group_by takes day or hour, not both', { status: 400, path: ['group_by'] });
  return [...new Set(groups)] as UsageGroup[];
}

/** A local deployment's hosting over the range: hours deployed in it, at the hourly price of each hour. */
export interface HostingLine {
  deployment: string;
  model: string;
  hours: number;
  cost: number;
}

export interface UsageDeps {
  store: Store;
  catalog: ModelCatalog;
  prices: Prices;
}

export async function usageReport({ store, catalog, prices }: UsageDeps, q: UsageQuery): Promise<{ lines: UsageLine[]; total: UsageLine; hosting: HostingLine[] }> {
  const [rows, deployments] = await Promise.all([
    store.usage.query({ fromMinute: Math.ceil(q.from / MINUTE_MS), toMinute: Math.ceil(q.to / MINUTE_MS), deployment: q.deployment, keyId: q.keyId }),
    store.deployments.list(),
  ]);
  const modelOf = new Map(deployments.map((d) => [d.name, d.model]));
  const lines = new Map<string, UsageLine>();
  const total = line({});
  for (const r of rows) {
    const model = modelOf.get(r.deployment) ?? null;
    if (q.model !== undefined && model !== q.model) continue;
    const dims = dimensions(r, model, q.groupBy);
    const key = JSON.stringify(dims);
    let l = lines.get(key);
    if (!l) lines.set(key, (l = line(dims)));
    add(l, r);
    add(total, r);
  }
  const hosted = deployments.filter((d) => d.kind === 'model' && (q.deployment === undefined || d.name === q.deployment) && (q.model === undefined || d.model === q.model));
  const hosting = (await Promise.all(hosted.map((d) => hostingOf(d, catalog, prices, q)))).filter((h): h is HostingLine => h !== undefined);
  return { lines: [...lines.values()].map(rounded), total: rounded(total), hosting };
}

/**
 * Hosting is billed per hour deployed, to the minute, for local deployments whose model has an
 * hourly price. A deployment deleted since is not in the store any more, so its hours are not
 * billed here (its token usage still is).
 */
async function hostingOf(d: DeploymentRow, catalog: ModelCatalog, prices: Prices, q: UsageQuery): Promise<HostingLine | undefined> {
  const entry = await catalog.get(d.model!);
  if (!entry || !isLocal(entry)) return undefined;
  const from = Math.max(q.from, d.createdAt);
  const to = Math.min(q.to, Date.now());
  if (to <= from) return undefined;
  let cost = 0;
  for (const p of await prices.periods(entry, from, to)) cost += ((p.to - p.from) / 3_600_000) * (p.price?.perHour ?? 0);
  if (!cost) return undefined;
  return { deployment: d.name, model: entry.id, hours: Math.round(((to - from) / 3_600_000) * 100) / 100, cost: Math.round(cost * 1e6) / 1e6 };
}

function dimensions(r: UsageRow, model: string | null, groupBy: UsageGroup[]): Partial<UsageLine> {
  const d: Partial<UsageLine> = {};
  for (const g of groupBy) {
    if (g === 'deployment') d.deployment = r.deployment;
    else if (g === 'key') d.key = r.keyId;
    else if (g === 'model') d.model = model;
    else d[g] = bucket(r.minute, g);
  }
  return d;
}

const line = (dims: Partial<UsageLine>): UsageLine => ({ ...dims, requests: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost: 0 });

function add(l: UsageLine, r: UsageRow): void {
  l.requests += r.requests;
  l.prompt_tokens += r.promptTokens;
  l.completion_tokens += r.completionTokens;
  l.total_tokens += r.promptTokens + r.completionTokens;
  l.cost += r.cost;
}

// Micro-dollars, as each call is priced: summing floats must not print 0.30000000000000004.
const rounded = (l: UsageLine): UsageLine => ({ ...l, cost: Math.round(l.cost * 1e6) / 1e6 });

/** The report as CSV (see csv.ts). */
export function usageCsv(lines: UsageLine[], groupBy: UsageGroup[]): string {
  return toCsv([...groupBy, 'requests', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'cost'], lines as unknown as Record<string, unknown>[]);
}
