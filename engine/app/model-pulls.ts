/**
 * Downloads started from the studio (POST /api/models/{id}/pull): `weir models pull` as a
 * background job of this process, its progress polled. One pull per model at a time; a finished
 * download is registered as the built-in's pulled copy, exactly as the CLI does, so the catalog
 * shows it available and deployments name it by its catalog id. The file lands on this machine's
 * disk, so the job lives in this process (with instances on Postgres, each has its own models).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { WeirError } from '../errors.ts';
import { availability, isAvailable } from '../models/availability.ts';
import { PULLED_LABEL, type ModelCatalog } from '../models/catalog.ts';
import { BUILTIN_MODELS } from '../models/catalog-data.ts';
import { downloadUrl, pullModel, type PullOptions } from '../models/pull.ts';
import type { ModelEntry } from '../models/types.ts';
import type { Store } from '../store/types.ts';

export type PullState = 'running' | 'done' | 'failed';

export interface PullJob {
  model: string;
  state: PullState;
  received: number;
  total: number | null;
  /** Where the weights come from (the mirror when HF_ENDPOINT is set). */
  url: string;
  error: { code: string; message: string } | null;
  started_at: string;
  finished_at: string | null;
}

/** The file name the weights have on disk (GGUF) or the folder (ONNX). */
function target(entry: ModelEntry, dir: string): string {
  const src = entry.source;
  if (src.kind !== 'huggingface') return dir;
  return entry.format === 'onnx' ? path.join(dir, entry.id) : path.join(dir, path.basename(src.file));
}

export class ModelPulls {
  readonly #jobs = new Map<string, PullJob>();
  readonly #ctl = new Map<string, AbortController>();

  constructor(
    private readonly store: Store,
    private readonly catalog: ModelCatalog,
    private readonly opts: { dir?: string; pull?: Partial<PullOptions> } = {},
  ) {}

  /** Where downloads go: `<data folder>/models`, as for `weir models pull`. */
  get dir(): string {
    return this.opts.dir ?? path.join(this.store.dir, 'models');
  }

  get(model: string): PullJob | undefined {
    return this.#jobs.get(model);
  }

  /** Starts downloading a built-in model's weights; answers the job at once. */
  async start(model: string): Promise<PullJob> {
    const found = await this.catalog.get(model);
    if (!found) throw new WeirError('model_not_found', `model "${model}" is not in the catalog (GET /api/models)`, { status: 404, path: ['model'] });
    const running = this.#jobs.get(model);
    if (running?.state === 'running') {
      throw new WeirError('pull_in_progress', `model "${model}" is already downloading (${running.received} bytes so far); follow it with GET /api/models/${model}/pull`, { status: 409 });
    }
    if (isAvailable(availability(found))) {
      throw new WeirError('already_downloaded', `model "${model}" is on this machine already (${availability(found)}); there is nothing to download`, { status: 409 });
    }
    // A pulled copy whose file is gone downloads again from the built-in entry.
    const entry = BUILTIN_MODELS.find((b) => b.id === model) ?? found;
    if (entry.source.kind !== 'huggingface') {
      throw new WeirError('not_pullable', `model "${model}" has no download: register its file with \`weir models add <path>\``, { status: 422 });
    }
    const url = downloadUrl(entry);
    const job: PullJob = { model, state: 'running', received: 0, total: entry.fileSizeBytes, url, error: null, started_at: new Date().toISOString(), finished_at: null };
    this.#jobs.set(model, job);
    const ctl = new AbortController();
    this.#ctl.set(model, ctl);
    void this.#run(entry, job, ctl.signal).finally(() => this.#ctl.delete(model));
    return job;
  }

  async #run(entry: ModelEntry, job: PullJob, signal: AbortSignal): Promise<void> {
    const dest = target(entry, this.dir);
    try {
      let got: { path: string; bytes: number };
      // A file copied into place by hand (the offline way) is registered, not downloaded again;
      // pulls never leave a partial file under the final name, so one there is complete.
      if (entry.format !== 'onnx' && existsSync(dest)) got = { path: dest, bytes: statSync(dest).size };
      else {
        got = await pullModel(entry, {
          ...this.opts.pull, dir: this.dir, signal,
          onProgress: (p) => {
            job.received = p.received;
            if (p.total !== null) job.total = p.total;
          },
        });
      }
      const copy: ModelEntry = { ...entry, fileSizeBytes: got.bytes, source: { kind: 'local', path: got.path }, labels: [...new Set([...entry.labels, PULLED_LABEL])] };
      await this.store.models.put(copy);
      job.received = got.bytes;
      job.total = got.bytes;
      job.state = 'done';
    } catch (err) {
      job.state = 'failed';
      const e = err instanceof WeirError ? err : new WeirError('download_failed', (err as Error).message);
      job.error = { code: e.code, message: e.code === 'network_unreachable' ? this.#offline(entry, job.url, e.message, dest) : e.message };
    } finally {
      job.finished_at = new Date().toISOString();
    }
  }

  /** What to do on a machine that cannot reach the download host: the manual way, step by step. */
  #offline(entry: ModelEntry, url: string, reason: string, dest: string): string {
    const host = new URL(url).host;
    const why = /\(([^)]*)\)/.exec(reason)?.[1] ?? 'no answer';
    return (
      `cannot reach ${host} (${why}) — this machine looks offline. Download ${url} on a machine with internet and copy it to ${dest}, ` +
      `then press Download again (a file already there is used as is), or register it under another name with \`weir models add <path>\`. ` +
      `Behind a mirror, set HF_ENDPOINT. ${entry.id} needs ${entry.fileSizeBytes ? `about ${Math.round(entry.fileSizeBytes / 1e6)} MB` : 'its weights file'}.`
    );
  }

  /** Stops the downloads running here (server shutdown). */
  close(): void {
    for (const c of this.#ctl.values()) c.abort();
  }
}
