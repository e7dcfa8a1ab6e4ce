import { useRef, useState, type DragEvent } from 'react';
import { notify } from '../components/toast.tsx';
import { formatBytes } from './format.ts';
import { indexPath, type JobView } from './types.ts';
import { uploadFiles, type Upload } from './upload-xhr.ts';


interface Sending {
  key: number;
  names: string[];
  loaded: number;
  total: number;
  error?: string;
  upload: Upload;
}

let nextKey = 1;

/** Drop files (or pick them) to upload; each batch becomes one ingestion job, handed to `onJob`. */
export function DropZone({ index, onJob }: { index: string; onJob: (job: JobView) => void }) {
  const [over, setOver] = useState(false);
  const [tags, setTags] = useState('');
  const [sending, setSending] = useState<Sending[]>([]);
  const input = useRef<HTMLInputElement>(null);

  const patch = (key: number, p: Partial<Sending>) => setSending((all) => all.map((s) => (s.key === key ? { ...s, ...p } : s)));
  const drop = (key: number) => setSending((all) => all.filter((s) => s.key !== key));

  const send = (files: File[]) => {
    if (!files.length) return;
    const key = nextKey++;
    const total = files.reduce((n, f) => n + f.size, 0);
    const upload = uploadFiles(indexPath(index, 'documents'), files, {
      tags: tags.split(',').map((t) => t.trim()).filter(Boolean),
      onProgress: (p) => patch(key, { loaded: p.loaded, total: p.total || total }),
    });
    setSending((all) => [...all, { key, names: files.map((f) => f.name), loaded: 0, total, upload }]);
    upload.done.then(
      (job) => {
        drop(key);
        onJob(job);
      },
      (err: Error) => {
        if ((err as { code?: string }).code === 'aborted') return drop(key);
        patch(key, { error: err.message });
        notify('error', `Upload failed: ${err.message}`);
      },
    );
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    send([...e.dataTransfer.files]);
  };

  return (
    <div className="stack">
      <div
        className={`drop-zone${over ? ' over' : ''}`}
        data-testid="drop-zone"
        role="button"
        tabIndex={0}
        // Named by its own text (title and formats), so what is read is what is seen.
        onClick={() => input.current?.click()}
        onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), input.current?.click())}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <div className="drop-title">Drop files here, or click to choose</div>
        <div className="muted">
          .txt .md .html .pdf .docx .json .jsonl .csv — several at once; a file that cannot be read is reported by name and the rest go on
        </div>
      </div>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label="Choose files to add"
        data-testid="file-input"
        onChange={(e) => {
          send([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
      <label className="row tags-field">
        <span className="field-label">Tags for the next upload</span>
        <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="e.g. hr, policy" aria-label="Tags" />
        <span className="hint muted">comma-separated; search can filter by them</span>
      </label>
      {sending.map((s) => (
        <div key={s.key} className="card upload-card" data-testid="upload-progress" aria-label="Upload progress">
          <div className="row">
            <strong>{s.error ? 'Upload failed' : 'Uploading'}</strong>
            <span className="muted ellipsis">{s.names.join(', ')}</span>
            <span className="spacer" />
            {s.error ? (
              <button className="small" onClick={() => drop(s.key)}>Dismiss</button>
            ) : (
              <button className="small danger" onClick={() => s.upload.abort()}>Stop</button>
            )}
          </div>
          <div className="progress" role="progressbar" aria-label="Upload" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct(s)}>
            <div className={`progress-fill ${s.error ? 'failed' : 'uploading'}`} style={{ width: `${pct(s)}%` }} />
          </div>
          <div className="job-stats">
            <span>{pct(s)}%</span>
            <span>
              {formatBytes(s.loaded)} / {formatBytes(s.total)}
            </span>
          </div>
          {s.error && <div className="error-text">{s.error}</div>}
        </div>
      ))}
    </div>
  );
}

const pct = (s: Sending) => (s.total ? Math.min(100, Math.round((100 * s.loaded) / s.total)) : 0);
