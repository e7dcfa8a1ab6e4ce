import { describe, expect, it } from 'vitest';
import { pricedUsage } from './cost.ts';

describe('pricedUsage', () => {
  it('prices input and output tokens per 1K', () => {
    expect(pricedUsage({ inputPer1k: 0.00015, outputPer1k: 0.0006 }, { prompt_tokens: 2000, completion_tokens: 500, total_tokens: 2500 })).toEqual({
      prompt_tokens: 2000, completion_tokens: 500, total_tokens: 2500, cost: 0.0006,
    });
  });

  it('leaves cost out for unpriced (local) models', () => {
    expect(pricedUsage(null, { prompt_tokens: 3, total_tokens: 3 })).toEqual({ prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 });
    expect(pricedUsage({ perHour: 1 }, { prompt_tokens: 3, total_tokens: 3 })).not.toHaveProperty('cost');
  });
});
