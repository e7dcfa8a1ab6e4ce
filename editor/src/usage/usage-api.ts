import { api, request } from '../api/client.ts';

/** One line of GET /api/usage (engine/app/usage-report.ts `UsageLine`): what it is grouped by, then its sums. */
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

export interface UsageReport {
  from: string;
  to: string;
  group_by: string[];
  data: UsageLine[];
  total: UsageLine;
  /** Local deployments billed by the hour deployed. */
  hosting: { data: { deployment: string; model: string; hours: number; cost: number }[]; cost: number };
}

export type Dimension = 'deployment' | 'key' | 'model';
export type TimeUnit = 'day' | 'hour';

export interface UsageFilter {
  from: string;
  to: string;
  deployment?: string;
  key?: string;
  model?: string;
}

/** One call's record (GET /api/usage/calls), newest first. `filtered` names role and category: "prompt:violence". */
export interface CallRecord {
  id: string;
  at: string;
  deployment: string;
  kind: 'model' | 'flow';
  key_id: string | null;
  model: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost: number;
  latency_ms: number;
  status: number;
  filtered: string[];
}

export interface CallPage {
  data: CallRecord[];
  has_more: boolean;
  next: string | null;
}

export const CATEGORIES = ['hate', 'sexual', 'violence', 'self_harm', 'jailbreak', 'blocklist'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface CallFilter extends Partial<UsageFilter> {
  filtered?: boolean;
  category?: Category;
  limit?: number;
  before?: string;
}

/** A query string of the values given (empty ones left out). */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

const reportPath = (f: UsageFilter, groupBy: string[], format?: 'csv') => `/api/usage${query({ ...f, group_by: groupBy.join(','), format })}`;

export const usageApi = {
  report: (f: UsageFilter, groupBy: string[]) => api<UsageReport>(reportPath(f, groupBy)),
  calls: (f: CallFilter) => api<CallPage>(`/api/usage/calls${query({ ...f })}`),
  /** The report as CSV, fetched with the admin token (a plain link would go without it) and saved as a file. */
  async downloadCsv(f: UsageFilter, groupBy: string[], filename: string): Promise<void> {
    const res = await request(reportPath(f, groupBy, 'csv'));
    const url = URL.createObjectURL(new Blob([await res.text()], { type: 'text/csv' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: filename });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  },
};
