import { ApiError, reportUnauthorized } from '../api/client.ts';
import { getToken } from '../api/token.ts';
import type { JobView } from './types.ts';

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface Upload {
  done: Promise<JobView>;
  abort(): void;
}

/**
 * Sends files as multipart with XMLHttpRequest rather than fetch: only XHR reports how many bytes
 * of a request body have gone out, which is what a large upload needs to show.
 */
export function uploadFiles(path: string, files: File[], o: { tags?: string[]; onProgress?: (p: UploadProgress) => void } = {}): Upload {
  const form = new FormData();
  for (const f of files) form.append('files', f, f.name);
  if (o.tags?.length) form.append('tags', o.tags.join(','));
  const xhr = new XMLHttpRequest();
  const done = new Promise<JobView>((resolve, reject) => {
    xhr.open('POST', path);
    const token = getToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => o.onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : 0 });
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body) return resolve(body as JobView);
      if (xhr.status === 401) reportUnauthorized();
      const e = (body as { error?: { code?: string; message?: string; param?: string | null } } | undefined)?.error;
      reject(new ApiError(xhr.status, e?.code ?? `http_${xhr.status}`, e?.message ?? (xhr.responseText || xhr.statusText || 'upload failed'), e?.param));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'the upload could not reach the Weir server'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'upload cancelled'));
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
