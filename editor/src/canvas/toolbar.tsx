import { request } from '../api/client.ts';
import { FlowChatButton } from '../chat/flow-chat.tsx';
import { Icon } from '../components/icons.tsx';
import { notifyError } from '../components/toast.tsx';
import { PublishButton } from '../publish/publish-button.tsx';
import { href } from '../shell/router.ts';
import { autoLayout, deleteSelection, duplicateSelection } from './actions.ts';
import { PanelToggles } from './panel-toggles.tsx';
import { useEditor, type SaveState } from './store.ts';

const SAVE_TEXT: Record<SaveState, string> = { saved: 'Saved', pending: 'Unsaved changes', saving: 'Saving…', error: 'Not saved' };

async function exportYaml(name: string) {
  try {
    await useEditor.getState().flush();
    const res = await request(`/api/flows/${encodeURIComponent(name)}`, { headers: { accept: 'application/yaml' } });
    const url = URL.createObjectURL(new Blob([await res.text()], { type: 'application/yaml' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: `${name}.flow.yaml` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (err) {
    notifyError(err);
  }
}

export type View = 'canvas' | 'yaml';

export function Toolbar({ view, setView, onVersions, onHelp }: { view: View; setView: (v: View) => void; onVersions: () => void; onHelp: () => void }) {
  const name = useEditor((s) => s.name);
  const save = useEditor((s) => s.save);
  const saveError = useEditor((s) => s.saveError);
  const conflict = useEditor((s) => s.conflict);
  const canUndo = useEditor((s) => s.history.past.length > 0 && !s.viewing);
  const canRedo = useEditor((s) => s.history.future.length > 0 && !s.viewing);
  const hasSelection = useEditor((s) => s.nodes.some((n) => n.selected) || s.edges.some((e) => e.selected));
  const s = useEditor.getState();
  return (
    <header className="editor-bar">
      <a href={href('flows')} className="crumb">Flows</a>
      <span className="crumb-sep">/</span>
      <h1 className="flow-name">{name}</h1>
      {conflict ? (
        <span className="save-state save-error conflict" role="alert" data-testid="save-state">
          Changed elsewhere — not saved.
          <button className="small" onClick={() => void s.reload().catch(notifyError)} title="Drop your unsaved edits and load the draft as saved elsewhere">Reload</button>
          <button className="small danger" onClick={() => void s.overwrite()} title="Save your draft over the other one">Overwrite</button>
        </span>
      ) : (
        <span className={`save-state save-${save}`} title={saveError} data-testid="save-state">{SAVE_TEXT[save]}</span>
      )}
      <div className="bar-group" role="group" aria-label="Edit">
        <button className="ghost" onClick={s.undo} disabled={!canUndo} aria-label="Undo" title="Undo (Ctrl+Z)">↶</button>
        <button className="ghost" onClick={s.redo} disabled={!canRedo} aria-label="Redo" title="Redo (Ctrl+Shift+Z)">↷</button>
        <button className="ghost" onClick={duplicateSelection} disabled={!hasSelection || view !== 'canvas'} title="Duplicate (Ctrl+D)">Duplicate</button>
        <button className="ghost" onClick={deleteSelection} disabled={!hasSelection || view !== 'canvas'} title="Delete (Del)">Delete</button>
      </div>
      <div className="bar-group" role="group" aria-label="Arrange">
        <button className="ghost" onClick={() => void autoLayout()} disabled={view !== 'canvas'} title="Lay out left to right">Auto-layout</button>
        <button className="ghost" onClick={s.requestFit} disabled={view !== 'canvas'} title="Fit the flow in view">Fit</button>
      </div>
      <div className="seg" role="tablist" aria-label="View">
        <button role="tab" aria-selected={view === 'canvas'} className={view === 'canvas' ? 'on' : ''} onClick={() => setView('canvas')}>Canvas</button>
        <button role="tab" aria-selected={view === 'yaml'} className={view === 'yaml' ? 'on' : ''} onClick={() => setView('yaml')}>YAML</button>
      </div>
      <PanelToggles />
      <div className="spacer" />
      <button className="ghost" onClick={onHelp} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)"><Icon name="keyboard" /></button>
      <button className="ghost" onClick={() => void exportYaml(name)} title="Download the flow as a .flow.yaml file">Export</button>
      <FlowChatButton />
      <button className="ghost" onClick={onVersions}>Versions</button>
      <PublishButton onViewVersions={onVersions} />
    </header>
  );
}
