/**
 * A deployment's monitor (issue #16), as Azure AI Studio's model monitoring has one: which share of
 * its calls is sampled, the evaluators that score them and how the call's inputs and outputs map to
 * theirs, the per-call acceptable score and the pass rate the window must keep, the window and how
 * often it is checked, and an http connection alerts are posted to.
 */
import { z } from 'zod';

const HOUR_MS = 3_600_000;
const Name = z.string().regex(/^[0-9A-Za-z._~-]{1,64}$/, 'a name is 1 to 64 letters, digits or . _ ~ -');

export const EvaluatorSpec = z
  .object({
    /** A shipped evaluator (flows/evaluators/<name>.flow.yaml). */
    evaluator: Name.optional(),
    /** Or a flow of this workspace (its latest published version, else its draft). */
    flow: Name.optional(),
    /** The evaluator's inputs: `${inputs.x}` / `${outputs.x}` of the sampled call, or a literal. */
    inputs: z.record(z.string(), z.unknown()).default({}),
    /** A call passes when its score is at least this (Azure's default: 3 on the 1–5 scales). */
    threshold: z.number().default(3),
  })
  .strict()
  .refine((e) => (e.evaluator === undefined) !== (e.flow === undefined), { message: 'give exactly one of evaluator (a shipped one) or flow (one of yours)' });

export const MonitorBody = z
  .object({
    enabled: z.boolean().default(true),
    /** Share of calls scored (0–1). */
    sampling_rate: z.number().min(0).max(1).default(0.1),
    evaluators: z.array(EvaluatorSpec).min(1).max(10),
    /** The share of a window's scored calls that must pass (Azure's example: 0.7). */
    pass_rate: z.number().min(0).max(1).default(0.7),
    window_hours: z.number().int().min(1).max(24 * 90).default(24 * 7),
    schedule_minutes: z.number().int().min(1).max(24 * 60).default(60),
    /** An http connection (settings.base_url) alerts are POSTed to. */
    webhook: Name.optional(),
  })
  .strict();

export type MonitorConfig = z.output<typeof MonitorBody>;
export type EvaluatorConfig = z.output<typeof EvaluatorSpec>;

/** How a monitor's scores are labelled: the evaluator's or flow's name. */
export const evaluatorName = (e: EvaluatorConfig): string => (e.evaluator ?? e.flow)!;

export const windowMs = (m: MonitorConfig): number => m.window_hours * HOUR_MS;
export const scheduleMs = (m: MonitorConfig): number => m.schedule_minutes * 60_000;
