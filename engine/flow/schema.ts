import { z } from 'zod';

/**
 * The structure of a flow file (`weir: 1`). Only the shape is checked here; what the shape means
 * (references, node types, cycles) is checked by validate.ts so every problem is reported at once.
 */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** A flow name; `name@variant` is one variant of a flow (prompt flow's node variants, imported). */
export const FLOW_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*(@[A-Za-z0-9_-]+)?$/;
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['inputs', 'map', 'outputs', 'flow']);

export const FLOW_INPUT_TYPES = [
  'string',
  'number',
  'integer',
  'boolean',
  'object',
  'array',
  'list',
  'chat_history',
  'any',
] as const;
export type FlowInputType = (typeof FLOW_INPUT_TYPES)[number];

const FlowInputSchema = z
  .object({
    type: z.enum(FLOW_INPUT_TYPES).default('string'),
    default: z.unknown().optional(),
    description: z.string().optional(),
    optional: z.boolean().optional(),
    /** Prompt flow's chat markers: the input a chat's new message goes to, and the one its turns so far go to. */
    is_chat_input: z.boolean().optional(),
    is_chat_history: z.boolean().optional(),
  })
  .strict();

const FlowOutputSchema = z.union([
  z.string(),
  z
    .object({
      reference: z.string(),
      type: z.enum(FLOW_INPUT_TYPES).optional(),
      description: z.string().optional(),
      /** Prompt flow's marker: the output a chat shows as the answer. */
      is_chat_output: z.boolean().optional(),
    })
    .strict(),
]);

/** "500ms", "30s", "2m" or a number of milliseconds. */
const DurationSchema = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m)$/, 'expected a duration like 500ms, 30s or 2m'),
]);

const RetrySchema = z
  .object({
    max_attempts: z.number().int().min(1).max(20),
    backoff: DurationSchema.optional(),
    max_backoff: DurationSchema.optional(),
    multiplier: z.number().min(1).max(10).optional(),
    jitter: z.boolean().optional(),
  })
  .strict();

/**
 * When a node reading skipped nodes is skipped itself. Weir's rule: when it reads any (unless its type
 * accepts skipped inputs). Prompt flow's bypass rule: only when every node it reads was skipped.
 */
export const SkipWhenSchema = z.enum(['any_input_skipped', 'all_inputs_skipped']);

const NodeSchema = z
  .object({
    name: z.string(),
    type: z.string(),
    description: z.string().optional(),
    inputs: z.record(z.string(), z.unknown()).optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    activate: z.object({ when: z.unknown(), is: z.unknown() }).strict().optional(),
    retry: RetrySchema.optional(),
    timeout: DurationSchema.optional(),
    on_error: z.enum(['fail', 'continue']).optional(),
    /** Prompt flow's aggregation node: runs once after all lines of a batch, over lists of its inputs. */
    aggregation: z.boolean().optional(),
    /** This node's skip rule, over the flow's `skip_when`. */
    skip_when: SkipWhenSchema.optional(),
    map: z
      .object({
        over: z.string(),
        concurrency: z.number().int().min(1).max(256).optional(),
        max_items: z.number().int().min(1).max(1_000_000).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const FlowSchema = z
  .object({
    weir: z.literal(1),
    name: z.string().regex(FLOW_NAME_PATTERN, 'a flow name is letters, digits, _ and -, not starting with a digit, with an optional @variant'),
    description: z.string().optional(),
    inputs: z.record(z.string(), FlowInputSchema).optional(),
    outputs: z.record(z.string(), FlowOutputSchema).optional(),
    nodes: z.array(NodeSchema),
    skip_when: SkipWhenSchema.optional(),
    layout: z.record(z.string(), z.tuple([z.number(), z.number()])).optional(),
  })
  .strict();

export type FlowDoc = z.output<typeof FlowSchema>;
export type FlowNodeDoc = FlowDoc['nodes'][number];
export type FlowInputDoc = z.output<typeof FlowInputSchema>;

export function durationMs(d: number | string | undefined): number | undefined {
  if (d === undefined || typeof d === 'number') return d;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)$/.exec(d);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000);
}

export function outputReference(o: FlowDoc['outputs'] extends infer R ? (R extends Record<string, infer V> ? V : never) : never): string {
  return typeof o === 'string' ? o : o.reference;
}
