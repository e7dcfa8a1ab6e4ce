/**
 * Whether a catalog model can run on this machine now: shipped inside Weir, its weights on disk
 * (downloaded or registered), served remotely through a connection — or still to be downloaded.
 * The catalog, the deploy check and the studio all say it the same way.
 */
import { existsSync } from 'node:fs';
import { PULLED_LABEL } from './catalog.ts';
import type { ModelEntry } from './types.ts';

export type Availability = 'shipped' | 'downloaded' | 'local' | 'remote' | 'not_downloaded' | 'missing';

export function availability(e: ModelEntry): Availability {
  const src = e.source;
  if (src.kind === 'npm') return 'shipped';
  if (src.kind === 'remote') return 'remote';
  if (src.kind === 'huggingface') return 'not_downloaded';
  if (!existsSync(src.path)) return 'missing';
  return e.labels.includes(PULLED_LABEL) ? 'downloaded' : 'local';
}

/** Usable without a download: shipped, on disk, or remote (a connection is still needed to deploy it). */
export const isAvailable = (a: Availability) => a !== 'not_downloaded' && a !== 'missing';

function size(bytes: number | null): string {
  if (!bytes) return '';
  return bytes >= 1e9 ? `, ${(bytes / 1e9).toFixed(1)} GB` : `, ${Math.round(bytes / 1e6)} MB`;
}

/** A catalog model whose weights must be downloaded first: never pulled, or its pulled file is gone. */
export function needsDownload(e: ModelEntry): boolean {
  const a = availability(e);
  return a === 'not_downloaded' || (a === 'missing' && e.labels.includes(PULLED_LABEL));
}

/** How to get the weights of a model that has none on this machine: the studio's button or the CLI. */
export function howToGetWeights(e: ModelEntry): string {
  const where = e.source.kind === 'local' ? `its file ${e.source.path} is gone` : `its weights (${e.format}${size(e.fileSizeBytes)}) are not downloaded`;
  return (
    `model "${e.id}" is not on this machine: ${where}. Download it with the Download button on the model's page (Models in the studio), ` +
    `or run \`weir models pull ${e.id}\`; on a machine without internet, copy the file over and register it with \`weir models add <path>\``
  );
}
