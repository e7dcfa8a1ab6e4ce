import type { Usage } from '../../node-definition.ts';
import type { ModelPrice } from '../../models/types.ts';
import type { UsageMeter } from '../usage-meter.ts';
import { pricedUsage } from './cost.ts';

/** One model call's usage under its deployment and key, priced here (a failed call counts as a request with what it used). */
export function meterModelCall(meter: UsageMeter, deployment: string, keyId: string | null, price: ModelPrice | null, usage: Usage | undefined): void {
  meter.add(deployment, keyId, usage ? pricedUsage(price, { prompt_tokens: usage.prompt_tokens ?? 0, completion_tokens: usage.completion_tokens ?? 0, total_tokens: usage.total_tokens ?? 0 }) : {});
}
