/**
 * Tokens a call is admitted with, before the model has counted anything: prompt + completion
 * budget, as Azure estimates. The prompt is estimated from its length (about 4 characters a token
 * in English, plus a few tokens of framing per message) rather than tokenized: admission must cost
 * microseconds, and the real count replaces the estimate when the call ends.
 */

/** The completion budget assumed when a call sets no max_tokens. */
export const DEFAULT_COMPLETION_ESTIMATE = 1024;
const FRAMING_TOKENS = 4;

export function promptEstimate(texts: readonly string[]): number {
  let n = 0;
  for (const t of texts) n += Math.ceil(t.length / 4) + FRAMING_TOKENS;
  return n;
}

/** Prompt + completion budget, the budget capped by the model's context. */
export function callEstimate(texts: readonly string[], maxTokens: number | undefined, contextLength: number): number {
  const prompt = promptEstimate(texts);
  return prompt + Math.max(0, Math.min(maxTokens ?? DEFAULT_COMPLETION_ESTIMATE, contextLength - prompt));
}
