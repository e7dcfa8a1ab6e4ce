/**
 * Which limits a call counts against. Each is a fixed window on the bus's counters, shared by every
 * instance: the key's own (rpm, tpm), a flow deployment's rpm, and a model deployment's allocation
 * from its model's pool (tpm, and Azure's 6 requests a minute per 1 000 tokens a minute, counted
 * over 10-second windows as Azure checks short windows: a burst cannot spend a minute's calls at once).
 */
import type { DeploymentRow, VerifiedKey } from '../../store/types.ts';

export const MINUTE_MS = 60_000;
export const SHORT_WINDOW_MS = 10_000;

export interface Limit {
  /** The counter's name on the bus. */
  name: string;
  kind: 'requests' | 'tokens';
  limit: number;
  windowMs: number;
  /** The limit in words, for the refusal: "this key's limit of 3 requests a minute". */
  says: string;
}

/** Requests a minute that an allocation of `tpm` tokens a minute gives (Azure: 6 per 1 000). */
export const rpmOf = (tpm: number): number => Math.floor((tpm * 6) / 1000);

export const keyLimitName = (keyId: string, kind: 'rpm' | 'tpm'): string => `key:${keyId}:${kind}`;

/**
 * A public web app's visitor: `rpm` calls a minute per visitor id (checked by the caller: 16 to 64
 * of [A-Za-z0-9_-]), counted on the bus like every other window, so it holds across instances.
 */
export function visitorLimit(deployment: string, visitor: string, rpm: number): Limit {
  return { name: `app:${deployment}:visitor:${visitor}:rpm`, kind: 'requests', limit: rpm, windowMs: MINUTE_MS, says: `this app's limit of ${rpm} messages a minute per visitor` };
}

// Keys and deployments come from caches (the same object until they change): their limits are
// built once per object rather than on every call. Limits are never changed once built.
const byKey = new WeakMap<VerifiedKey, Limit[]>();
const byDeployment = new WeakMap<DeploymentRow, { tpm: number | undefined; limits: Limit[] }>();

export function keyLimits(key: VerifiedKey | null): Limit[] {
  if (!key) return [];
  let out = byKey.get(key);
  if (!out) byKey.set(key, (out = buildKeyLimits(key)));
  return out;
}

function buildKeyLimits(key: VerifiedKey): Limit[] {
  const out: Limit[] = [];
  if (key.rpm !== null) out.push({ name: keyLimitName(key.keyId, 'rpm'), kind: 'requests', limit: key.rpm, windowMs: MINUTE_MS, says: `this key's limit of ${key.rpm} requests a minute` });
  if (key.tpm !== null) out.push({ name: keyLimitName(key.keyId, 'tpm'), kind: 'tokens', limit: key.tpm, windowMs: MINUTE_MS, says: `this key's limit of ${key.tpm} tokens a minute` });
  return out;
}

/** A deployment's own limits: a flow's optional rpm, or a model deployment's allocation (`tpm`: its allocation, if it has one). */
export function deploymentLimits(d: DeploymentRow, tpm: number | undefined): Limit[] {
  const hit = byDeployment.get(d);
  if (hit && hit.tpm === tpm) return hit.limits;
  const limits = buildDeploymentLimits(d, tpm);
  byDeployment.set(d, { tpm, limits });
  return limits;
}

function buildDeploymentLimits(d: DeploymentRow, tpm: number | undefined): Limit[] {
  const rpm = d.options?.rpm;
  if (d.kind === 'flow') {
    return rpm === undefined ? [] : [{ name: `deployment:${d.name}:rpm`, kind: 'requests', limit: rpm, windowMs: MINUTE_MS, says: `deployment "${d.name}"'s limit of ${rpm} requests a minute` }];
  }
  if (tpm === undefined) return [];
  const perShort = Math.max(1, Math.floor((rpmOf(tpm) * SHORT_WINDOW_MS) / MINUTE_MS));
  return [
    { name: `deployment:${d.name}:rpm10s`, kind: 'requests', limit: perShort, windowMs: SHORT_WINDOW_MS, says: `deployment "${d.name}"'s ${rpmOf(tpm)} requests a minute (${perShort} per 10 s; 6 a minute per 1 000 tokens a minute of its allocation)` },
    { name: `deployment:${d.name}:tpm`, kind: 'tokens', limit: tpm, windowMs: MINUTE_MS, says: `deployment "${d.name}"'s allocation of ${tpm} tokens a minute (model ${d.model})` },
  ];
}
