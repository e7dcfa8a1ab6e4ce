import { z } from 'zod';
import { bleu, cosineSimilarity, DEFAULT_SUPPORT_THRESHOLD, exactMatch, f1Score, groundednessOffline, rougeL } from '../engine/eval/metrics/index.ts';
import { WeirError } from '../engine/errors.ts';
import { defineNode } from '../engine/node-definition.ts';

/** Longest text one input may hold (answer, ground truth, one passage); longer is metric_input_too_large. */
export const MAX_METRIC_TEXT = 100_000;
/** Most passages, and most characters over all passages, a context may hold. */
export const MAX_PASSAGES = 1_000;
export const MAX_CONTEXT_TEXT = 500_000;
/** Most numbers in a vector for cosine (embedding models make 384–4 096). */
export const MAX_VECTOR = 65_536;

const METRICS = ['f1_score', 'exact_match', 'rouge_l', 'bleu', 'groundedness_offline', 'cosine'] as const;
type Metric = (typeof METRICS)[number];

const config = z
  .object({
    metric: z
      .enum(METRICS)
      .describe('f1_score, exact_match, rouge_l, bleu: answer vs ground_truth; groundedness_offline: answer vs context; cosine: vectors a and b.'),
    threshold: z
      .number()
      .min(-1)
      .max(1)
      .optional()
      .describe(`groundedness_offline: the share of a sentence's content words one passage must hold to support it (default ${DEFAULT_SUPPORT_THRESHOLD}); other metrics: the output says \`passed\` when score ≥ threshold.`),
  })
  .strict();

const vector = z.array(z.number());
const sentence = z.object({ sentence: z.string(), overlap: z.number(), passage: z.number().nullable() });
const output = z.object({
  metric: z.enum(METRICS),
  score: z.number().nullable(),
  passed: z.boolean().optional(),
  reason: z.string().optional(),
  precision: z.number().optional(),
  recall: z.number().optional(),
  lcs: z.number().optional(),
  precisions: z.array(z.number()).optional(),
  brevity_penalty: z.number().optional(),
  answer_length: z.number().optional(),
  reference_length: z.number().optional(),
  supported: z.number().optional(),
  total: z.number().optional(),
  unsupported_sentences: z.array(sentence).optional(),
  threshold: z.number().optional(),
});
type Output = z.output<typeof output>;

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'undefined' ? 'nothing (unbound or skipped)' : `a ${typeof v}`);

/** Reads and checks the inputs a metric needs; every refusal names the node and the input, as the executor's own do. */
class Reader {
  constructor(
    readonly node: string,
    readonly metric: Metric,
    readonly inputs: Record<string, unknown>,
  ) {}

  fail(code: 'invalid_node_input' | 'metric_input_too_large', field: string, what: string): WeirError {
    return new WeirError(code, `node "${this.node}" input "${field}": ${what}`, { node: this.node, path: ['inputs', field] });
  }

  wrong(field: string, want: string): WeirError {
    return this.fail('invalid_node_input', field, `metric ${this.metric} needs ${want}; it is ${describe(this.inputs[field])}`);
  }

  text(field: string): string {
    const v = this.inputs[field];
    if (typeof v !== 'string') throw this.wrong(field, 'a string');
    if (v.length > MAX_METRIC_TEXT) throw this.fail('metric_input_too_large', field, `${v.length.toLocaleString('en')} characters; a metric reads at most ${MAX_METRIC_TEXT.toLocaleString('en')}`);
    return v;
  }

  context(): string | string[] {
    const v = this.inputs.context;
    const over = (chars: number) => this.fail('metric_input_too_large', 'context', `${chars.toLocaleString('en')} characters; at most ${MAX_CONTEXT_TEXT.toLocaleString('en')}`);
    if (typeof v === 'string') {
      if (v.length > MAX_CONTEXT_TEXT) throw over(v.length);
      return v;
    }
    if (!Array.isArray(v) || !v.every((p) => typeof p === 'string')) throw this.wrong('context', 'a string or a list of strings (passages)');
    if (v.length > MAX_PASSAGES) throw this.fail('metric_input_too_large', 'context', `${v.length.toLocaleString('en')} passages; at most ${MAX_PASSAGES.toLocaleString('en')}`);
    const chars = v.reduce((n, p: string) => n + p.length, 0);
    if (chars > MAX_CONTEXT_TEXT) throw over(chars);
    return v as string[];
  }

  vector(field: string): number[] {
    const v = this.inputs[field];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw this.wrong(field, 'a list of finite numbers (a vector)');
    if (v.length > MAX_VECTOR) throw this.fail('metric_input_too_large', field, `${v.length.toLocaleString('en')} numbers; at most ${MAX_VECTOR.toLocaleString('en')}`);
    return v as number[];
  }
}

function compute(r: Reader, threshold: number | undefined): Omit<Output, 'metric'> {
  switch (r.metric) {
    case 'f1_score':
      return f1Score(r.text('answer'), r.text('ground_truth'));
    case 'exact_match':
      return exactMatch(r.text('answer'), r.text('ground_truth'));
    case 'rouge_l':
      return rougeL(r.text('answer'), r.text('ground_truth'));
    case 'bleu':
      return bleu(r.text('answer'), r.text('ground_truth'));
    case 'groundedness_offline':
      return groundednessOffline(r.text('answer'), r.context(), threshold ?? DEFAULT_SUPPORT_THRESHOLD);
    case 'cosine':
      return cosineSimilarity(r.vector('a'), r.vector('b'));
  }
}

function score(node: string, metric: Metric, inputs: Record<string, unknown>, threshold: number | undefined): Omit<Output, 'metric'> {
  try {
    return compute(new Reader(node, metric, inputs), threshold);
  } catch (err) {
    // The metric functions know the input, not the node: put the node on their refusals.
    if (!(err instanceof WeirError) || err.node !== undefined) throw err;
    const field = err.path?.[1] ?? 'answer';
    throw new WeirError(err.code, `node "${node}" input "${field}": ${err.message}`, { node, path: err.path });
  }
}

export const metricNode = defineNode({
  type: 'metric',
  title: 'Metric',
  category: 'evaluation',
  description:
    'Scores an answer offline: SQuAD token F1 or exact match, ROUGE-L, BLEU-4 against a ground truth; groundedness against context passages (unsupported sentences listed); cosine of two vectors.',
  inputs: {
    answer: z.string().optional(),
    ground_truth: z.string().optional(),
    context: z.union([z.string(), z.array(z.string())]).optional(),
    a: vector.optional(),
    b: vector.optional(),
  },
  output,
  config,
  run(ctx, inputs, c): Output {
    ctx.throwIfAborted();
    const result = { metric: c.metric, ...score(ctx.node, c.metric, inputs, c.threshold) };
    if (c.threshold === undefined || c.metric === 'groundedness_offline') return result;
    return { ...result, passed: result.score !== null && result.score >= c.threshold };
  },
});
