import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LexiconClassifier } from '../lexicon-classifier.ts';
import { evaluate, loadLabelled, type EvalKind } from './evaluate.ts';

/**
 * Holds the lexicon classifier to the precision and recall it was measured at (bench/safety.ts),
 * less a small margin: a change to the lexicons that loses examples fails here. The figures are
 * computed from the sets on every run; only the floors are written down.
 *
 * labelled.jsonl is the set the lexicons were written against (in-sample, so near 1.0);
 * holdout.jsonl was written afterwards and first scored unseen (recall 0.25-0.5; see the bench),
 * then used once to broaden the lexicons, so its floors are lower.
 */
const FLOORS: Record<string, { precision: Record<EvalKind, number>; recall: Record<EvalKind, number>; benignFpr: number }> = {
  'labelled.jsonl': {
    precision: { hate: 0.95, sexual: 0.95, violence: 0.9, self_harm: 0.95, jailbreak: 0.95 },
    recall: { hate: 0.95, sexual: 0.95, violence: 0.95, self_harm: 0.95, jailbreak: 0.95 },
    benignFpr: 0.03,
  },
  'holdout.jsonl': {
    precision: { hate: 0.85, sexual: 0.9, violence: 0.75, self_harm: 0.9, jailbreak: 0.9 },
    recall: { hate: 0.9, sexual: 0.9, violence: 0.75, self_harm: 0.75, jailbreak: 0.9 },
    benignFpr: 0.05,
  },
};

describe.each(Object.keys(FLOORS))('the %s evaluation set', (file) => {
  const examples = loadLabelled(fileURLToPath(new URL(`./${file}`, import.meta.url)));
  const floors = FLOORS[file];

  it('has the categories it should', () => {
    if (file !== 'labelled.jsonl') return;
    expect(examples.length).toBeGreaterThanOrEqual(320);
    for (const cat of ['hate', 'sexual', 'violence', 'self_harm', 'jailbreak']) expect(examples.filter((e) => e.category === cat).length).toBeGreaterThanOrEqual(40);
    expect(examples.filter((e) => e.category === 'none').length).toBeGreaterThanOrEqual(100);
  });

  it('keeps precision and recall per category, and few benign texts filtered', async () => {
    const report = await evaluate(new LexiconClassifier(), examples);
    for (const s of report.scores) {
      expect({ category: s.category, precision: s.precision >= floors.precision[s.category] }).toEqual({ category: s.category, precision: true });
      expect({ category: s.category, recall: s.recall >= floors.recall[s.category] }).toEqual({ category: s.category, recall: true });
    }
    expect(report.benign.false_positive_rate).toBeLessThanOrEqual(floors.benignFpr);
  });
});
