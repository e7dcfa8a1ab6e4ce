/**
 * The evaluator flows of flows/evaluators/ (issue #16) through the `weir` command's own code (main()
 * from engine/cli.ts, called in-process, so this needs no build): every file validates, and each
 * computed one runs offline and gives the hand-worked score of its metric's unit tests.
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../engine/cli.ts';
import { ROOT } from './helpers/cli.ts';

const DIR = path.join(ROOT, 'flows/evaluators');
const file = (name: string) => path.join(DIR, `${name}.flow.yaml`);

async function weir(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

async function score(name: string, inputs: Record<string, string>): Promise<Record<string, unknown>> {
  const r = await weir('run', file(name), ...Object.entries(inputs).flatMap(([k, v]) => ['-i', `${k}=${v}`]), '--json');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out).outputs;
}

const CAT = { answer: 'The cat sat on the mat.', ground_truth: 'The cat is on the mat.' };
const CAT_F1 = { answer: 'The cat sat on the mat.', ground_truth: 'A cat is on the mat' };

test('there is one file per metric of the issue, and every one validates', async () => {
  const files = readdirSync(DIR).sort();
  expect(files).toEqual(
    ['bleu', 'coherence', 'embedding_similarity', 'exact_match', 'f1_score', 'fluency', 'groundedness', 'groundedness_offline', 'relevance', 'rouge_l', 'similarity'].map((n) => `${n}.flow.yaml`),
  );
  const r = await weir('validate', ...files.map((f) => path.join(DIR, f)));
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out.trim().split('\n')).toHaveLength(files.length);
});

describe('computed evaluators run offline', () => {
  test('f1_score: "cat sat on mat" vs "cat is on mat" → 0.75', async () => {
    expect(await score('f1_score', CAT_F1)).toEqual({ score: 0.75, precision: 0.75, recall: 0.75 });
  });

  test('exact_match: 1 after SQuAD normalisation, 0 otherwise', async () => {
    expect(await score('exact_match', { answer: 'The Eiffel Tower!', ground_truth: 'eiffel tower' })).toEqual({ score: 1 });
    expect(await score('exact_match', CAT)).toEqual({ score: 0 });
  });

  test("rouge_l: rouge-score's README example → 10/17", async () => {
    const out = await score('rouge_l', { answer: 'The quick brown dog jumps on the log.', ground_truth: 'The quick brown fox jumps over the lazy dog' });
    expect(out.score).toBeCloseTo(10 / 17, 12);
    expect(out.precision).toBe(0.625);
  });

  test('bleu: (5/6 · 3/5 · 1/4 · 0.1/3)^(1/4) = 240^(-1/4)', async () => {
    const out = await score('bleu', CAT);
    expect(out.score).toBeCloseTo(240 ** -0.25, 12);
    expect(out.brevity_penalty).toBe(1);
  });

  test('groundedness_offline: one of two sentences supported, the other listed; a text context splits at blank lines', async () => {
    const out = await score('groundedness_offline', {
      answer: 'Vienna lies on the Danube. Berlin is the capital of Germany.',
      context: 'Vienna is the capital of Austria. It lies on the Danube.\n\nThe Rhine flows into the North Sea.',
    });
    expect(out).toEqual({ score: 0.5, supported: 1, total: 2, reason: null, unsupported_sentences: [{ sentence: 'Berlin is the capital of Germany.', overlap: 1 / 3, passage: 0 }] });
  });

  test('a batch (--data lines.jsonl) gives the aggregate as the run metrics: mean and pass rate at 0.5', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weir-eval-'));
    try {
      const data = path.join(dir, 'lines.jsonl');
      // F1 per line: 0.75 (worked above), 0 (no overlap), 1 (same) → mean 1.75/3; ≥ 0.5: 2 of 3
      const lines = [CAT_F1, { answer: 'dog', ground_truth: 'cat' }, { answer: 'Paris', ground_truth: 'paris' }];
      await writeFile(data, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
      const r = await weir('run', file('f1_score'), '--data', data, '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).metrics).toEqual({ mean: 1.75 / 3, pass_rate: 2 / 3, count: 3, missing: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a missing input is exit 2 naming it, as for any flow', async () => {
    const r = await weir('run', file('f1_score'), '-i', 'answer=x');
    expect(r.code).toBe(2);
    expect(r.err).toContain('ground_truth');
  });
});
