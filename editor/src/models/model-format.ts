import type { ModelInfo, ModelSource } from './model-types.ts';

const TASK_LABELS: Record<string, string> = {
  'chat-completion': 'Chat',
  'text-generation': 'Text generation',
  embeddings: 'Embeddings',
  'extractive-qa': 'Extractive QA',
};

export const taskLabel = (task: string): string => TASK_LABELS[task] ?? task;

/** 135e6 → 135M, 1.5e9 → 1.5B: how model cards name sizes. */
export function formatParams(n: number | null): string {
  if (n === null) return '—';
  if (n >= 1e9) return `${trim(n / 1e9)}B`;
  if (n >= 1e6) return `${trim(n / 1e6)}M`;
  return n.toLocaleString();
}

export function formatBytes(n: number | null): string {
  if (n === null) return '—';
  // Decimal units, as model hubs list download sizes.
  if (n >= 1e9) return `${trim(n / 1e9)} GB`;
  if (n >= 1e6) return `${trim(n / 1e6)} MB`;
  return `${trim(n / 1e3)} KB`;
}

/** Context lengths read best in K, as model cards write them (32K, 128K). */
export function formatContext(n: number | null): string {
  if (n === null) return '—';
  return n >= 1024 && n % 1024 === 0 ? `${n / 1024}K` : n.toLocaleString();
}

function trim(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1).replace(/\.0$/, '') : x.toFixed(2).replace(/\.?0+$/, '');
}

const usd = (x: number) => `$${x < 1 ? String(Number(x.toPrecision(2))) : x.toFixed(2)}`;

/** Remote models are billed per token or per hour; local ones cost nothing to call. */
export function formatPrice(m: ModelInfo): string {
  const p = m.price;
  if (!p) return m.local ? 'free (local)' : '—';
  const parts: string[] = [];
  if (p.input_per_1k !== null) parts.push(`${usd(p.input_per_1k)} in`);
  if (p.output_per_1k !== null) parts.push(`${usd(p.output_per_1k)} out`);
  const perToken = parts.length ? `${parts.join(' / ')} per 1K tokens` : '';
  const perHour = p.per_hour !== null ? `${usd(p.per_hour)}/hour` : '';
  return [perToken, perHour].filter(Boolean).join(', ') || '—';
}

export function formatSource(s: ModelSource): string {
  switch (s.kind) {
    case 'huggingface':
      return `Hugging Face ${s.repo} / ${s.file}`;
    case 'npm':
      return `npm package ${s.package}`;
    case 'local':
      return s.path;
    case 'remote':
      return `remote model ${s.model}`;
  }
}

/** A deployment name the server accepts (lower-case letters, digits and -), taken from a model id. */
export function suggestName(model: ModelInfo, taken: Set<string>): string {
  const base =
    model.labels.includes('default-chat') ? 'chat'
    : model.labels.includes('default-embeddings') ? 'embed'
    : model.id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56) || 'model';
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
