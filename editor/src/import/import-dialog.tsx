import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { ApiError } from '../api/client.ts';
import { Modal } from '../components/ui.tsx';
import { nameProblem } from '../flow/names.ts';
import { navigate } from '../shell/router.ts';
import { DeploymentMapRows, mapOf, type MapRow } from './deployment-map-rows.tsx';
import { folderSource, importPromptflow, suggestedName, type ImportAnswer, type ImportSource } from './import-api.ts';
import { ImportReport } from './import-report.tsx';
import '../styles/import.css';

/** A folder picker: Chromium, Firefox and Safari all read `webkitdirectory`; React's types do not know it. */
const FOLDER_PICK = { webkitdirectory: '', directory: '' } as Record<string, string>;

/**
 * Import from prompt flow: a folder or a .zip is checked as soon as it is picked (a dry run: what it
 * would make, and the deployments it names that this server lacks, offered as mapping rows), then
 * imported; the report stays in the dialog with links to the flows made.
 */
export function ImportDialog({ onClose, onImported }: { onClose: () => void; onImported?: () => void }) {
  const folderInput = useRef<HTMLInputElement>(null);
  const zipInput = useRef<HTMLInputElement>(null);
  const [source, setSource] = useState<ImportSource>();
  const [name, setName] = useState('');
  const [rows, setRows] = useState<MapRow[]>([]);
  const [replace, setReplace] = useState(false);
  const [busy, setBusy] = useState<'checking' | 'importing'>();
  const [preview, setPreview] = useState<ImportAnswer>();
  const [done, setDone] = useState<ImportAnswer>();
  const [error, setError] = useState<ApiError | Error>();
  const problem = name ? nameProblem(name, new Set()) : null;

  const check = async (src: ImportSource, flowName: string) => {
    setBusy('checking');
    setError(undefined);
    setPreview(undefined);
    try {
      const answer = await importPromptflow(src, { name: flowName || undefined, deploymentMap: {}, replace: true, dryRun: true });
      setPreview(answer);
      // The models called over a connection and the deployments that are not here: a row each, to map before importing.
      const unmapped = [...new Set([...answer.unmapped_models, ...answer.missing_deployments])];
      setRows((old) => [...old.filter((r) => r.from), ...unmapped.filter((d) => !old.some((r) => r.from === d)).map((d) => ({ from: d, to: '' }))]);
      if (answer.flows.some((f) => f.status === 'replaced')) setError(new Error(`A flow named ${answer.flows.filter((f) => f.status === 'replaced').map((f) => `“${f.name}”`).join(', ')} already exists: choose another name, or tick “Replace existing flows”.`));
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(undefined);
    }
  };

  const picked = (src: ImportSource | undefined) => {
    if (!src) {
      setError(new Error('That folder holds no files a flow needs.'));
      return;
    }
    setSource(src);
    const suggested = suggestedName(src);
    const flowName = name || suggested;
    if (!name && !nameProblem(suggested, new Set())) setName(suggested);
    void check(src, flowName);
  };
  const onFolder = (e: ChangeEvent<HTMLInputElement>) => {
    const files = e.target.files;
    if (files?.length) picked(folderSource(files));
    e.target.value = '';
  };
  const onZip = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) picked({ kind: 'zip', name: file.name, file });
    e.target.value = '';
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!source || problem || busy) return;
    setBusy('importing');
    setError(undefined);
    try {
      const answer = await importPromptflow(source, { name: name || undefined, deploymentMap: mapOf(rows), replace, dryRun: false });
      setDone(answer);
      if (answer.outcome !== 'failed') onImported?.();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(undefined);
    }
  };

  if (done) {
    const main = done.flows[0]?.name;
    return (
      <Modal title="Import from prompt flow" onClose={onClose}>
        <ImportReport answer={done} />
        <div className="modal-actions">
          <button type="button" onClick={onClose}>Close</button>
          {main && <button type="button" className="primary" onClick={() => navigate('flows', main)}>Open {main}</button>}
        </div>
      </Modal>
    );
  }

  return (
    <Modal title="Import from prompt flow" onClose={onClose}>
      <form className="import-form" onSubmit={submit} aria-busy={!!busy}>
        <p className="hint">Pick a prompt flow folder (the one with <code>flow.dag.yaml</code>) or a .zip of it. Templates and Python tools go into the flow; nothing is saved until you import.</p>
        <div className="import-pick">
          <input ref={folderInput} type="file" multiple hidden aria-label="Prompt flow folder" onChange={onFolder} {...FOLDER_PICK} />
          <input ref={zipInput} type="file" accept=".zip,application/zip" hidden aria-label="Prompt flow zip file" onChange={onZip} />
          <button type="button" onClick={() => folderInput.current?.click()}>Choose folder…</button>
          <button type="button" onClick={() => zipInput.current?.click()}>Choose .zip…</button>
          <span className="import-picked" data-testid="import-picked">
            {source ? (source.kind === 'folder' ? `${source.name}/ (${source.files.length} file${source.files.length === 1 ? '' : 's'})` : source.name) : 'Nothing picked yet'}
          </span>
        </div>
        <label className="field">
          <span>Flow name</span>
          <input aria-label="Imported flow name" value={name} onChange={(e) => setName(e.target.value.trim())} onBlur={() => source && !problem && void check(source, name)} placeholder="from the folder's name" />
          {problem ? <span className="error-text">{problem}</span> : <span className="hint">Variants become flows named <code>{name || 'name'}@variant</code>.</span>}
        </label>
        <DeploymentMapRows rows={rows} onChange={setRows} />
        <label className="import-replace">
          <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} /> Replace existing flows of the same names
        </label>
        {busy === 'checking' && <p role="status" className="muted">Checking the flow…</p>}
        {error && <p role="alert" className="error-text" data-testid="import-error">{error.message}</p>}
        {preview && <ImportReport answer={preview} />}
        <div className="modal-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button className="primary" disabled={!source || !!problem || !!busy}>{busy === 'importing' ? 'Importing…' : 'Import'}</button>
        </div>
      </form>
    </Modal>
  );
}
