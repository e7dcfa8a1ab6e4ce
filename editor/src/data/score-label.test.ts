import { describe, expect, it } from 'vitest';
import { scoreLabel } from './score-label.ts';

describe('scoreLabel', () => {
  it('names the kind of each score and never shows it as a percentage', () => {
    expect(scoreLabel(0.0312, 'hybrid').text).toBe('score 0.0312 (hybrid)');
    expect(scoreLabel(0.84213, 'vector').text).toBe('similarity 0.842 (cosine)');
    expect(scoreLabel(12.4071, 'keyword').text).toBe('BM25 12.41');
    for (const mode of ['hybrid', 'vector', 'keyword'] as const) expect(scoreLabel(0.5, mode).text).not.toContain('%');
    expect(scoreLabel(0.0312, 'hybrid').title).toContain('reciprocal-rank fusion');
  });
});
