import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_POLICY, verdict } from '../policy.ts';
import { CATEGORIES, SEVERITIES, severityRank, type Category, type SafetyClassifier, type Severity } from '../types.ts';

/**
 * The labelled set and its scoring, shared by bench/safety.ts (which prints the figures) and the
 * regression test (which holds them). An example is positive for a kind when labelled with it at
 * medium or above; predicted positive when the default policy filters that kind on a prompt.
 */
export type EvalKind = Category | 'jailbreak';
export const EVAL_KINDS: readonly EvalKind[] = [...CATEGORIES, 'jailbreak'];

export interface Example {
  text: string;
  category: EvalKind | 'none';
  severity: Severity;
}

export interface KindScore {
  category: EvalKind;
  positives: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export interface EvalReport {
  examples: number;
  scores: KindScore[];
  benign: { examples: number; filtered: number; false_positive_rate: number };
}

export const LABELLED_PATH = fileURLToPath(new URL('./labelled.jsonl', import.meta.url));

export function loadLabelled(path = LABELLED_PATH): Example[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((line, i) => {
    const e = JSON.parse(line) as Example;
    if (typeof e.text !== 'string' || !(e.category === 'none' || EVAL_KINDS.includes(e.category)) || !SEVERITIES.includes(e.severity)) {
      throw new Error(`labelled.jsonl line ${i + 1}: not {text, category, severity}`);
    }
    return e;
  });
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

export async function evaluate(classifier: SafetyClassifier, examples: readonly Example[]): Promise<EvalReport> {
  const counts = new Map(EVAL_KINDS.map((k) => [k, { positives: 0, tp: 0, fp: 0, fn: 0 }]));
  let benign = 0, benignFiltered = 0;
  for (const e of examples) {
    const v = verdict(DEFAULT_POLICY, 'prompt', await classifier.classify(e.text, { role: 'prompt' }));
    for (const kind of EVAL_KINDS) {
      const c = counts.get(kind)!;
      const actual = e.category === kind && severityRank(e.severity) >= severityRank('medium');
      const predicted = kind === 'jailbreak' ? v.results.jailbreak?.filtered === true : v.results[kind].filtered;
      if (actual) c.positives++;
      if (actual && predicted) c.tp++;
      else if (predicted) c.fp++;
      else if (actual) c.fn++;
    }
    if (e.category === 'none') {
      benign++;
      if (v.filtered) benignFiltered++;
    }
  }
  const scores = EVAL_KINDS.map((category) => {
    const c = counts.get(category)!;
    return { category, ...c, precision: ratio(c.tp, c.tp + c.fp), recall: ratio(c.tp, c.tp + c.fn) };
  });
  return { examples: examples.length, scores, benign: { examples: benign, filtered: benignFiltered, false_positive_rate: benign === 0 ? 0 : benignFiltered / benign } };
}
