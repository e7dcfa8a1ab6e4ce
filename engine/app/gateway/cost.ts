import type { Usage } from '../../node-definition.ts';
import type { ModelPrice } from '../../models/types.ts';

/**
 * The one place a call's cost is priced: usage with its cost in USD from the model's per-1K-token
 * price (no cost when unpriced). Model endpoints price through the gateway's meter, model calls
 * inside flows through their governed model; nothing else prices.
 */
export function pricedUsage(price: ModelPrice | null, u: { prompt_tokens: number; completion_tokens?: number; total_tokens: number }): Usage {
  const usage: Usage = { prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens ?? 0, total_tokens: u.total_tokens };
  if (!price || (price.inputPer1k === undefined && price.outputPer1k === undefined)) return usage;
  const cost = (u.prompt_tokens / 1000) * (price.inputPer1k ?? 0) + ((u.completion_tokens ?? 0) / 1000) * (price.outputPer1k ?? 0);
  // Micro-dollar rounding keeps summed float noise out of stored figures.
  return { ...usage, cost: Math.round(cost * 1e6) / 1e6 };
}
