/**
 * The offline content-safety classifier (engine/safety): precision and recall per category on the
 * labelled sets at Azure's default policy, the benign false-positive rate, and the cost per KB of
 * text, since it runs on every gateway call. Prints JSON lines.
 *   npx tsc -p tsconfig.build.json && node dist/bench/safety.js
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LexiconClassifier } from '../engine/safety/lexicon-classifier.ts';
import { evaluate, loadLabelled, type Example } from '../engine/safety/eval/evaluate.ts';

const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, mem_gb: Math.round(os.totalmem() / 2 ** 30) };
const round = (x: number, d = 3) => +x.toFixed(d);

// The sets are data, not compiled: read them from the source tree whether run from dist/ or bench/.
function setPath(file: string): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve('engine/safety/eval', file), path.resolve(here, '../../engine/safety/eval', file), path.resolve(here, '../engine/safety/eval', file)];
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) throw new Error(`bench: ${file} not found (run from the repository root)`);
  return found;
}

const classifier = new LexiconClassifier();
const sets: Record<string, Example[]> = {};
for (const file of ['labelled.jsonl', 'holdout.jsonl']) {
  const examples = loadLabelled(setPath(file));
  sets[file] = examples;
  const report = await evaluate(classifier, examples);
  for (const s of report.scores) {
    console.log(JSON.stringify({ set: file, category: s.category, positives: s.positives, tp: s.tp, fp: s.fp, fn: s.fn, precision: round(s.precision), recall: round(s.recall), policy: 'default', role: 'prompt' }));
  }
  console.log(JSON.stringify({ set: file, benign_examples: report.benign.examples, benign_filtered: report.benign.filtered, benign_false_positive_rate: round(report.benign.false_positive_rate) }));
}

/** A text of about `bytes`, mixing benign and flagged examples in a fixed order. */
function mixedText(bytes: number): string {
  const pool = sets['labelled.jsonl'];
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i = (i + 37) % pool.length) {
    parts.push(pool[i].text);
    size += Buffer.byteLength(pool[i].text) + 1;
  }
  return parts.join(' ');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function cost(name: string, text: string, runs: number): void {
  const kb = Buffer.byteLength(text) / 1024;
  for (let i = 0; i < Math.max(20, runs / 10); i++) classifier.classifySync(text, { role: 'prompt' });
  const samples: number[] = [];
  for (let r = 0; r < 15; r++) {
    const t = performance.now();
    for (let i = 0; i < runs; i++) classifier.classifySync(text, { role: 'prompt' });
    samples.push(((performance.now() - t) * 1000) / runs);
  }
  const us = median(samples);
  console.log(JSON.stringify({ cost: name, kb: round(kb, 2), us_per_call: round(us, 1), us_per_kb: round(us / kb, 1), runs_per_sample: runs, samples: samples.length, machine }));
}

cost('mixed-1kb', mixedText(1024), 400);
cost('mixed-10kb', mixedText(10 * 1024), 40);
// Worst case for the matcher: every word starts rules and every gap can be filled.
cost('adversarial-10kb', 'i will kill you how to stab him blood skull '.repeat(230), 20);
// Spelled-out letters make the normaliser try joins.
cost('spelled-out-10kb', 'k i l l y o u a b c d e '.repeat(420), 20);
