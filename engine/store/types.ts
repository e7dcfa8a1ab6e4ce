/**
 * What the rest of Weir asks of the store: async ports, so the embedded SQLite store (sqlite/)
 * and a server database behind the same interface serve the same callers.
 * Times are epoch milliseconds. JSON columns come back parsed.
 */
import type { ModelEntry } from '../models/types.ts';
import type { DataStore } from './data-types.ts';
import type { SerializedError } from '../errors.ts';
import type { Usage } from '../node-definition.ts';
import type { JobsPort } from './job-types.ts';
import type { BatchesPort } from './batch-types.ts';
import type { WebAppsPort } from './web-app-types.ts';
export type { ConversationRow, FeedbackRow, FeedbackView, MessageCitation, MessageRow, WebAppsPort } from './web-app-types.ts';
export type { BatchesPort, BatchLineResult, BatchLineRow, BatchLineStatus, BatchRunPatch, BatchRunRow, BatchRunStatus } from './batch-types.ts';
export type { JobError, JobRow, JobStatus, JobsPort, NewJob } from './job-types.ts';
export type { AlertRow, CallFilter, CallPart, CallRow, MonitorRow, MonitorScoreRow, PriceRow, QuotaPoolRow, SafetyKind, SafetyRow, StoredCall, UsageFilter, UsageRow } from './governance-types.ts';
export { CALL_PARTS } from './governance-types.ts';
import type { AlertRow, CallFilter, CallRow, MonitorRow, MonitorScoreRow, PriceRow, QuotaPoolRow, SafetyKind, SafetyRow, StoredCall, UsageFilter, UsageRow } from './governance-types.ts';

export interface FlowRow {
  name: string;
  /** The text as the user wrote it (YAML or JSON), comments included. */
  source: string;
  format: 'yaml' | 'json';
  /** The parsed flow document. */
  definition: unknown;
  createdAt: number;
  updatedAt: number;
}

export interface VersionRow {
  flow: string;
  number: number;
  /** SHA-256 of the canonical JSON of the definition (layout excluded). */
  hash: string;
  message: string;
  author: string;
  source: string;
  definition: unknown;
  createdAt: number;
}

export interface TrafficSplit {
  version: number;
  weight: number;
}

/** How a model deployment serves its model. */
export interface ModelDeploymentOptions {
  /** Context size to allocate for local models (tokens). */
  contextSize?: number;
  /** Remote models: the connection (base URL, key, api-version) to call through. */
  connection?: string;
  /** Remote models: the model or Azure deployment name on the remote side, if not the catalog's. */
  remoteModel?: string;
  /** Remote models: tokens a minute allocated from the model's pool (requests a minute: 6 per 1 000). */
  tpm?: number;
  /** Flow deployments: calls a minute across every caller and instance (no limit when absent). */
  rpm?: number;
  /** The content-safety policy its calls pass ('default' when absent). */
  safetyPolicy?: string;
  /** Its chat web app at /apps/{name} (absent: never set up). */
  webApp?: WebAppSettings;
}

/** A deployment's web app, as PATCH /api/deployments/{name} sets it. */
export interface WebAppSettings {
  enabled: boolean;
  title: string;
  description: string | null;
  /** An https URL or a data:image URL (up to 64 KB). */
  logo: string | null;
  /** #rrggbb */
  accent: string | null;
  auth: 'public' | 'key';
  /** Calls a minute per visitor of a public app. */
  rpm: number;
}

export interface DeploymentRow {
  name: string;
  kind: 'flow' | 'model';
  flow: string | null;
  model: string | null;
  options: ModelDeploymentOptions | null;
  traffic: TrafficSplit[];
  /** Share of synchronous calls whose node traces are stored (runs are always recorded). */
  traceSampleRate: number;
  createdAt: number;
  updatedAt: number;
}

export interface KeyRow {
  id: string;
  deployment: string;
  name: string;
  /** First characters of the secret, to tell keys apart; never enough to use it. */
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
  /** Refused from this time on; null: never. */
  expiresAt: number | null;
  /** When a call last presented the key (to about a minute); null: never used. */
  lastUsedAt: number | null;
  /** Calls a minute the key may make, across every instance; null: no limit of its own. */
  rpm: number | null;
  /** Tokens a minute the key's calls may use, across every instance; null: no limit of its own. */
  tpm: number | null;
}

/** A key that opens several deployments, or every one (`deployments: '*'`). */
export interface SharedKeyRow extends Omit<KeyRow, 'deployment'> {
  deployments: string[] | '*';
}

/** A valid key: what it opens, and until when. */
export interface VerifiedKey {
  keyId: string;
  /** The deployments it opens: one for a deployment key; several, or '*' for all, for a shared key. */
  opens: string[] | '*';
  expiresAt: number | null;
  rpm: number | null;
  tpm: number | null;
}

export type StoredRunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export interface RunRow {
  id: string;
  flow: string;
  version: number | null;
  deployment: string | null;
  mode: 'draft' | 'sync' | 'async';
  status: StoredRunStatus;
  inputs: unknown;
  outputs: Record<string, unknown> | null;
  error: SerializedError | null;
  usage: Usage | null;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
}

export interface NodeTraceRow {
  runId: string;
  /** Position of the node in the flow. */
  idx: number;
  node: string;
  type: string;
  status: string;
  startMs: number | null;
  endMs: number | null;
  attempts: number;
  inputs: unknown;
  output: unknown;
  error: SerializedError | null;
  skipReason: string | null;
  usage: Usage | null;
  /** What the node said with `ctx.log` (serializeLogs' lines); null when it said nothing or the run is older than the column. */
  logs: object[] | null;
}

export interface StoredEvent {
  runId: string;
  seq: number;
  type: string;
  data: unknown;
}

export interface ConnectionRow {
  name: string;
  type: string;
  settings: Record<string, unknown>;
  /** Names of the secrets it holds; values are never returned by list/get. */
  secretNames: string[];
  createdAt: number;
  updatedAt: number;
}

export interface RunFilter {
  flow?: string;
  deployment?: string;
  status?: StoredRunStatus;
  /** Runs started before this time (for paging). */
  before?: number;
  /** With `before`: also runs started at exactly `before` whose id sorts below this one (a stable cursor). */
  beforeId?: string;
  limit?: number;
}

export interface FinishedRun {
  run: RunRow;
  /** Omitted when the deployment's sampling skipped this run's traces. */
  trace?: NodeTraceRow[];
}

export interface Store {
  flows: {
    list(): Promise<FlowRow[]>;
    get(name: string): Promise<FlowRow | undefined>;
    /** Creates or replaces the draft. */
    put(row: Omit<FlowRow, 'createdAt' | 'updatedAt'>): Promise<FlowRow>;
    delete(name: string): Promise<boolean>;
  };
  versions: {
    list(flow: string): Promise<VersionRow[]>;
    get(flow: string, number: number): Promise<VersionRow | undefined>;
    byHash(flow: string, hash: string): Promise<VersionRow | undefined>;
    /** Next number for the flow, assigned inside one transaction. */
    create(row: Omit<VersionRow, 'number' | 'createdAt'>): Promise<VersionRow>;
  };
  deployments: {
    list(): Promise<DeploymentRow[]>;
    get(name: string): Promise<DeploymentRow | undefined>;
    create(row: Omit<DeploymentRow, 'createdAt' | 'updatedAt' | 'model' | 'options'> & Partial<Pick<DeploymentRow, 'model' | 'options'>>): Promise<DeploymentRow>;
    update(name: string, patch: Partial<Pick<DeploymentRow, 'traffic' | 'traceSampleRate' | 'options'>>): Promise<DeploymentRow | undefined>;
    delete(name: string): Promise<boolean>;
  };
  /** Models the user registered; the shipped catalog is not stored. */
  models: {
    list(): Promise<ModelEntry[]>;
    get(id: string): Promise<ModelEntry | undefined>;
    /** Adds or replaces. */
    put(entry: ModelEntry): Promise<void>;
    delete(id: string): Promise<boolean>;
  };
  /** Content-safety policies and blocklists, as JSON bodies by kind and name. */
  safety: {
    list(kind: SafetyKind): Promise<SafetyRow[]>;
    get(kind: SafetyKind, name: string): Promise<SafetyRow | undefined>;
    put(kind: SafetyKind, name: string, body: unknown): Promise<SafetyRow>;
    delete(kind: SafetyKind, name: string): Promise<boolean>;
  };
  /** Prices per model from dates on (the catalog's price is the default, not stored). */
  prices: {
    /** One model's prices, or every model's, by model then effective date. */
    list(model?: string): Promise<PriceRow[]>;
    /** Adds a price from `effectiveFrom` on (one already set for that model and time is replaced). */
    put(row: PriceRow): Promise<PriceRow>;
  };
  /** Tokens-per-minute pools per model (Azure's quota); a model without one has the configured default. */
  quotas: {
    list(): Promise<QuotaPoolRow[]>;
    get(model: string): Promise<QuotaPoolRow | undefined>;
    /** Sets (creates or replaces) the model's pool. */
    put(model: string, tpm: number): Promise<QuotaPoolRow>;
  };
  keys: {
    /** Creates a random 256-bit key; the secret is returned once and only its SHA-256 is stored. */
    create(deployment: string, name: string, opts?: { expiresAt?: number | null; rpm?: number | null; tpm?: number | null }): Promise<{ row: KeyRow; secret: string }>;
    list(deployment: string): Promise<KeyRow[]>;
    revoke(deployment: string, id: string): Promise<boolean>;
    /** The deployment and key a secret belongs to, if it is valid: not revoked, not expired at `now`. Microseconds. */
    verify(secret: string, now?: number): Promise<VerifiedKey | undefined>;
    /** Records that the key (a deployment or shared one) was used at `at` (an earlier time never replaces a later one). */
    markUsed(id: string, at: number): Promise<void>;
    /** A key that opens the named deployments, or all ('*'); deployments need not exist yet. */
    createShared(name: string, opts: { deployments: string[] | '*'; expiresAt?: number | null; rpm?: number | null; tpm?: number | null }): Promise<{ row: SharedKeyRow; secret: string }>;
    listShared(): Promise<SharedKeyRow[]>;
    revokeShared(id: string): Promise<boolean>;
  };
  runs: {
    /** Records a run before it starts (async runs, drafts). */
    start(run: RunRow): Promise<void>;
    /** Finishes a run and writes its node traces in one transaction. */
    finish(done: FinishedRun): Promise<void>;
    /** Group commit for synchronous calls: written within a few milliseconds, in batches. */
    enqueue(done: FinishedRun): void;
    /** Writes what is queued now (tests, shutdown). */
    flush(): Promise<void>;
    get(id: string): Promise<RunRow | undefined>;
    trace(id: string): Promise<NodeTraceRow[]>;
    list(filter: RunFilter): Promise<RunRow[]>;
    /**
     * Marks runs left `queued` or `running` as `interrupted` (those of `ids` only, when given: an
     * instance marks its own, never its peers'); returns how many.
     */
    markInterrupted(ids?: string[]): Promise<number>;
    appendEvents(events: StoredEvent[]): Promise<void>;
    events(runId: string, afterSeq: number): Promise<StoredEvent[]>;
  };
  connections: {
    list(): Promise<ConnectionRow[]>;
    get(name: string): Promise<ConnectionRow | undefined>;
    /** Settings and decrypted secrets, for running nodes only. */
    resolve(name: string): Promise<{ name: string; type: string; settings: Record<string, unknown>; secrets: Record<string, string> } | undefined>;
    /** Secrets given replace those of the same name; `null` removes one. */
    put(row: { name: string; type: string; settings: Record<string, unknown>; secrets?: Record<string, string | null> }): Promise<ConnectionRow>;
    delete(name: string): Promise<boolean>;
  };
  /** Data indexes: documents, chunks and their full text. */
  data: DataStore;
  /** The data folder: the database, the master key and the data indexes' files live here. */
  dir: string;
  /** Which database: an embedded one (this process and the CLI on this machine) or a server one (instances share it). */
  readonly kind: 'sqlite' | 'postgres';
  usage: {
    /** Adds `requests` calls (default 1) and their usage to the minute of `at`. */
    record(deployment: string, keyId: string | null, usage: Usage, at?: number, requests?: number): Promise<void>;
    list(deployment: string, sinceMinute?: number): Promise<{ minute: number; keyId: string | null; requests: number; promptTokens: number; completionTokens: number; cost: number }[]>;
    /** Minute rows in [fromMinute, toMinute), optionally of one deployment and key ('' or null: calls without a key), by minute. */
    query(filter: UsageFilter): Promise<UsageRow[]>;
  };
  /** Deployments' monitors: settings, the scores of sampled calls, alerts. */
  monitors: {
    list(): Promise<MonitorRow[]>;
    get(deployment: string): Promise<MonitorRow | undefined>;
    put(deployment: string, body: unknown): Promise<MonitorRow>;
    delete(deployment: string): Promise<boolean>;
    /** Marks the monitor checked at `at`, only if it was last checked before `dueBefore` (one instance wins a check). */
    claimCheck(deployment: string, at: number, dueBefore: number): Promise<boolean>;
    addScores(rows: MonitorScoreRow[]): Promise<void>;
    /** Scores of `deployment` in [from, to), oldest first. */
    scores(deployment: string, from: number, to: number): Promise<MonitorScoreRow[]>;
    addAlert(row: AlertRow): Promise<void>;
    setDelivery(id: string, delivery: string): Promise<void>;
    /** Newest first. */
    alerts(filter: { deployment?: string; from: number; limit: number }): Promise<AlertRow[]>;
  };
  /** One row per deployment call (usage records), kept for a while (`prune`); the minutes above are kept for good. */
  calls: {
    record(rows: CallRow[]): Promise<void>;
    /** Newest first. */
    list(filter: CallFilter): Promise<StoredCall[]>;
    /** Deletes calls admitted before `beforeMs`; returns how many. */
    prune(beforeMs: number): Promise<number>;
  };
  /** Batch runs and their lines (see BatchesPort). */
  batches: BatchesPort;
  /** Web apps' conversations, messages and feedback (see WebAppsPort). */
  webApps: WebAppsPort;
  /** The durable local queue (see JobsPort). */
  jobs: JobsPort;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Folder holding weir.db (SQLite), master.key and each instance's caches (vector indexes). */
  dataDir: string;
  /** postgres://… (WEIR_DATABASE_URL): state goes to that server database instead of weir.db. */
  databaseUrl?: string;
  /** Base64 or hex 32-byte key; otherwise read from (or created in) dataDir/master.key with mode 0600. */
  masterKey?: string;
  /** Group-commit interval for enqueued runs. */
  batchMs?: number;
}
