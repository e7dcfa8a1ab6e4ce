import { useRef, useState } from 'react';
import type { Problem } from '../api/types.ts';
import { useEditor } from '../canvas/store.ts';
import { Modal } from '../components/ui.tsx';
import { navigate } from '../shell/router.ts';
import { DeployFlowDialog } from '../deployments/deploy-flow-dialog.tsx';
import { problemsOf, publishApi, shortHash, type PublishResult } from './publish-api.ts';
import { useVersionsUi } from './versions-store.ts';
import '../styles/publish.css';

type Phase =
  | { kind: 'form' }
  | { kind: 'busy'; step: 'saving' | 'publishing' }
  | { kind: 'done'; result: PublishResult }
  | { kind: 'failed'; message: string; problems: Problem[] };

export interface PublishButtonProps {
  /** Opens the versions panel; called only when it is not already on screen (a toggle is fine). */
  onViewVersions?: () => void;
}

/** The toolbar's Publish: saves the draft, publishes it as the next version, then offers to deploy it. */
export function PublishButton({ onViewVersions }: PublishButtonProps = {}) {
  const name = useEditor((s) => s.name);
  const viewing = useEditor((s) => s.viewing);
  const [open, setOpen] = useState(false);
  const [deploy, setDeploy] = useState<number>();
  const panelShown = useVersionsUi((s) => s.mounted);
  return (
    <>
      <button
        type="button"
        className="primary"
        disabled={!name}
        // A version or diff on the canvas is only a view: the draft is what gets published.
        title={viewing ? `Publish the draft (the canvas shows ${viewing.label})` : 'Publish the draft as a new immutable version'}
        onClick={() => setOpen(true)}
      >
        Publish
      </button>
      {open && (
        <PublishDialog
          flow={name}
          onClose={() => setOpen(false)}
          onDeploy={(v) => {
            setOpen(false);
            setDeploy(v);
          }}
          onViewVersions={
            onViewVersions || panelShown
              ? () => {
                  setOpen(false);
                  // An open panel has already reloaded its list; opening it again would toggle it shut.
                  if (!useVersionsUi.getState().mounted) onViewVersions?.();
                }
              : undefined
          }
        />
      )}
      {deploy !== undefined && (
        <DeployFlowDialog flow={name} version={deploy} onClose={() => setDeploy(undefined)} onDone={(d) => navigate('deployments', d.name)} />
      )}
    </>
  );
}

interface PublishDialogProps {
  flow: string;
  onClose: () => void;
  onDeploy: (version: number) => void;
  /** Absent when there is no way to show the versions panel from here. */
  onViewVersions?: () => void;
}

function PublishDialog({ flow, onClose, onDeploy, onViewVersions }: PublishDialogProps) {
  const [message, setMessage] = useState('');
  const [phase, setPhase] = useState<Phase>({ kind: 'form' });
  const busy = phase.kind === 'busy';
  const draftProblems = useEditor((s) => s.problems.length);
  const running = useRef(false);

  const submit = async () => {
    if (running.current) return;
    running.current = true;
    try {
      // The server publishes the saved draft, so pending edits must reach it first.
      setPhase({ kind: 'busy', step: 'saving' });
      await useEditor.getState().flush();
      const { save, saveError } = useEditor.getState();
      if (save === 'error') {
        setPhase({ kind: 'failed', message: `The draft could not be saved: ${saveError ?? 'unknown error'}`, problems: [] });
        return;
      }
      setPhase({ kind: 'busy', step: 'publishing' });
      const result = await publishApi.publish(flow, message.trim());
      useVersionsUi.getState().notePublished();
      setPhase({ kind: 'done', result });
    } catch (err) {
      setPhase({ kind: 'failed', message: err instanceof Error ? err.message : String(err), problems: problemsOf(err) });
    } finally {
      running.current = false;
    }
  };

  if (phase.kind === 'done') {
    const { version, created, hash } = phase.result;
    return (
      <Modal
        title={created ? `Version ${version} published` : 'Nothing new to publish'}
        onClose={onClose}
        actions={
          <>
            {onViewVersions && <button type="button" onClick={onViewVersions}>View versions</button>}
            <button type="button" onClick={onClose}>Close</button>
            <button type="button" className="primary" autoFocus onClick={() => onDeploy(version)}>Deploy version {version}</button>
          </>
        }
      >
        {created ? (
          <p className="publish-ok" role="status">
            <b>{flow}</b> version {version} <code className="muted">{shortHash(hash)}</code> is published. Versions never change: deploy it, or
            keep editing the draft and publish again.
          </p>
        ) : (
          <p role="status">
            No changes since version {version}: the draft has the same content, so no new version was made.
          </p>
        )}
      </Modal>
    );
  }

  return (
    <Modal
      title={`Publish ${flow}`}
      onClose={busy ? () => undefined : onClose}
      actions={
        <>
          <button type="button" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="button" className="primary" disabled={busy} onClick={() => void submit()}>
            {phase.kind === 'busy' ? (phase.step === 'saving' ? 'Saving draft…' : 'Publishing…') : phase.kind === 'failed' ? 'Try again' : 'Publish'}
          </button>
        </>
      }
    >
      <label className="field">
        <span>Message</span>
        <textarea
          className="publish-message"
          aria-label="Version message"
          autoFocus
          rows={3}
          value={message}
          disabled={busy}
          placeholder="What changed (optional)"
          onChange={(e) => setMessage(e.target.value)}
          onKeyDown={(e) => {
            // Enter publishes, as does Ctrl/⌘+Enter; Shift+Enter keeps a new line for longer notes.
            if (e.key === 'Enter' && !e.nativeEvent.isComposing && (!e.shiftKey || e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void submit();
            }
          }}
        />
        <div className="hint">
          Publishes the saved draft as the next immutable version. <kbd>Enter</kbd> publishes, <kbd>Shift</kbd>+<kbd>Enter</kbd> adds a line.
        </div>
      </label>
      {phase.kind === 'form' && draftProblems > 0 && (
        <p className="hint publish-warn">
          The draft has {draftProblems} problem{draftProblems === 1 ? '' : 's'}; the server refuses to publish an invalid flow.
        </p>
      )}
      {phase.kind === 'failed' && <PublishFailure message={phase.message} problems={phase.problems} />}
    </Modal>
  );
}

function PublishFailure({ message, problems }: { message: string; problems: Problem[] }) {
  return (
    <div className="publish-failed" role="alert">
      <p className="error-text">{message}</p>
      {problems.length > 0 && (
        <ul className="publish-problems">
          {problems.map((p, i) => (
            <li key={i}>
              {p.node && <code>{p.node}</code>} {p.message}
              {p.path?.length ? <span className="muted"> ({p.path.join('.')})</span> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
