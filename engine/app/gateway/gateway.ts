/**
 * The one path every deployment call takes: authenticate → resolve the deployment → admit (the
 * key's limits, the deployment's own: a flow's rpm, a model deployment's allocation) → [the route
 * invokes, its prompt and completion judged by the deployment's safety policy (safety.ts)] → meter →
 * reconcile. Each step is its own small policy (limits.ts, admit.ts, safety.ts, meter.ts, cost.ts);
 * this class holds them so no route can skip one.
 *
 * HTTP stays in the API layer: the route passes what the request presented and sets the headers
 * the admission returns.
 */
import type { Bus } from '../../bus/types.ts';
import { WeirError } from '../../errors.ts';
import type { LoadedModel, ModelEntry, TokenUsage } from '../../models/types.ts';
import type { Usage } from '../../node-definition.ts';
import type { DeploymentRow, VerifiedKey } from '../../store/types.ts';
import { keyOpens, type Deployments } from '../deployments.ts';
import type { UsageMeter } from '../usage-meter.ts';
import { admit, reconcile, type Admission } from './admit.ts';
import { deploymentLimits, keyLimitName, keyLimits, MINUTE_MS, visitorLimit, type Limit } from './limits.ts';
import { governedModel } from './governed-model.ts';
import { callRecord, meterModelCall, statusOf, type CallOutcome } from './meter.ts';
import type { Prices } from './prices.ts';
import type { Quotas } from './quotas.ts';
import type { Safety } from './safety.ts';
import { adjustTaken, windowCounter } from './windows.ts';

/** Who calls: the admin token (no key), or a valid key. */
export type Caller = { admin: true; key: null } | { admin: false; key: VerifiedKey };
/** The admin token's calls (the playground): no key limits, the deployment's own still apply. */
export const ADMIN: Caller = { admin: true, key: null };

/** A call let through: what it was admitted against, for metering and reconciling at its end. */
export interface GatewayCall {
  /** The request id the answer carries (its usage record's id). */
  id: string;
  deployment: DeploymentRow;
  keyId: string | null;
  admission: Admission;
  /** When it was admitted: it is priced at the price in effect then. */
  at: number;
}

/**
 * The key id a public web app's calls are recorded under (usage minutes and call records): no key
 * was presented, and this tells them apart from the admin's keyless calls. Never a real key's id
 * (those are 12 random base64url characters).
 */
export const WEB_APP_KEY = 'web-app';

export function unauthorized(): WeirError {
  return new WeirError('unauthorized', 'missing or invalid key (send Authorization: Bearer <key> or api-key: <key>)', { status: 401 });
}

/** OpenAI's words, for a model that is not there and one the key may not use alike. */
const modelNotFound = (name: string, param: string) => new WeirError('model_not_found', `The model \`${name}\` does not exist or you do not have access to it.`, { status: 404, path: [param] });

export class Gateway {
  constructor(
    private readonly bus: Bus,
    private readonly deployments: Deployments,
    readonly quotas: Quotas,
    private readonly meter: UsageMeter,
    readonly prices: Prices,
    readonly safety: Safety,
  ) {}

  /** 401 for a missing, wrong, revoked or expired key; `admin`: the API layer matched the admin token. */
  async authenticate(admin: boolean, credential: string | undefined): Promise<Caller> {
    if (admin) return ADMIN;
    const key = credential ? await this.deployments.verifyKey(credential) : undefined;
    if (!key) throw unauthorized();
    return { admin: false, key };
  }

  /**
   * A flow deployment the caller may call. Unknown, not a flow, or not opened by the key: the same
   * 401, so a key-holder cannot probe which deployments exist.
   */
  async flow(who: Caller, name: string): Promise<DeploymentRow> {
    const d = await this.deployment(who, name);
    if (d.kind !== 'flow') throw unauthorized();
    return d;
  }

  /** A deployment of either kind the caller may read (its OpenAPI document); 401 otherwise, as for flows. */
  async deployment(who: Caller, name: string): Promise<DeploymentRow> {
    const d = (who.admin || keyOpens(who.key, name)) && (await this.deployments.cached(name));
    if (!d) throw unauthorized();
    return d;
  }

  /** A model deployment the caller may use; otherwise OpenAI's 404 `model_not_found` (on `param`). */
  async model(who: Caller, name: string, param: 'model' | 'deployment'): Promise<DeploymentRow> {
    const d = (who.admin || keyOpens(who.key, name)) && (await this.deployments.cached(name));
    if (!d || d.kind !== 'model') throw modelNotFound(name, param);
    return d;
  }

  /**
   * Takes the call's request and estimated tokens from every limit it counts against (429 when one
   * is used up: recorded as a call that was refused).
   */
  async admit(who: Caller, d: DeploymentRow, tokens: number, id: string, now = Date.now()): Promise<GatewayCall> {
    return this.#admit([...keyLimits(who.key), ...deploymentLimits(d, this.quotas.allocationOf(d))], who.key?.keyId ?? null, d, tokens, id, now);
  }

  /**
   * A public web app's visitor (no key): admitted against the deployment's own limits and the
   * visitor's calls a minute (`rpm`), recorded under WEB_APP_KEY.
   */
  async admitVisitor(d: DeploymentRow, visitor: string, rpm: number, tokens: number, id: string, now = Date.now()): Promise<GatewayCall> {
    return this.#admit([visitorLimit(d.name, visitor, rpm), ...deploymentLimits(d, this.quotas.allocationOf(d))], WEB_APP_KEY, d, tokens, id, now);
  }

  async #admit(limits: Limit[], keyId: string | null, d: DeploymentRow, tokens: number, id: string, now: number): Promise<GatewayCall> {
    try {
      return { id, deployment: d, keyId, admission: await admit(this.bus, limits, tokens, now), at: now };
    } catch (err) {
      this.meter.log(callRecord({ id, at: now, deployment: d.name, kind: d.kind, keyId, model: d.model ?? null }, undefined, { status: statusOf(err) }));
      throw err;
    }
  }

  /** A model call ended: metered (priced once, here), recorded, and its token windows set to what it really used. */
  async finishModelCall(call: GatewayCall, entry: ModelEntry, usage: TokenUsage | undefined, outcome: CallOutcome): Promise<void> {
    const d = call.deployment;
    const priced = meterModelCall(this.meter, d.name, call.keyId, await this.prices.priceAt(entry, call.at), usage);
    this.meter.log(callRecord({ id: call.id, at: call.at, deployment: d.name, kind: 'model', keyId: call.keyId, model: d.model ?? entry.id }, priced, outcome));
    await reconcile(this.bus, call.admission, usage?.total_tokens ?? 0);
  }

  /** A flow call ended (or was refused after admission): its record. Its tokens were metered by the run service. */
  logFlowCall(call: { id: string; at: number; deployment: string; keyId: string | null }, usage: Usage | undefined, outcome: CallOutcome): void {
    this.meter.log(callRecord({ ...call, kind: 'flow', model: null }, usage, outcome));
  }

  /** The model a flow's node calls through deployment `name`: drawing on its allocation, priced. */
  async flowModel(name: string, model: LoadedModel): Promise<LoadedModel> {
    const [d, price] = await Promise.all([this.deployments.cached(name), this.prices.priceAt(model.entry)]);
    const limits = d ? deploymentLimits(d, this.quotas.allocationOf(d)) : [];
    if (!limits.length) return governedModel(model, undefined, price);
    return governedModel(model, { admit: (tokens) => admit(this.bus, limits, tokens), settle: (a, used) => reconcile(this.bus, a, used) }, price);
  }

  /** A model a flow's node calls through a connection (no deployment, no allocation): priced. */
  async connectionModel(model: LoadedModel): Promise<LoadedModel> {
    return governedModel(model, undefined, await this.prices.priceAt(model.entry));
  }

  /**
   * A flow run ended (on whichever instance ran it): its tokens are charged to the key's window of
   * this minute, so a key's tpm holds across flows whose token use is only known at their end. The
   * run itself was metered by the run service.
   */
  async chargeRun(keyId: string | null, usage: Usage, now = Date.now()): Promise<void> {
    const tokens = usage.total_tokens ?? 0;
    if (!keyId || keyId === WEB_APP_KEY || !tokens) return;
    await adjustTaken(this.bus, { counter: windowCounter(keyLimitName(keyId, 'tpm'), MINUTE_MS, now), windowMs: MINUTE_MS, amount: 0 }, tokens);
  }
}
