import { useState, type ReactNode } from 'react';
import { Modal } from '../components/ui.tsx';

/**
 * Asks before deleting; the server's refusal (409: a deployment still uses the policy, a policy
 * still names the blocklist) stays in the dialog, where it can be read, instead of a passing toast.
 */
export function DeleteDialog({ title, children, onConfirm, onClose }: { title: string; children: ReactNode; onConfirm: () => Promise<void>; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const actions = (
    <>
      <button type="button" onClick={onClose}>
        {error ? 'Close' : 'Cancel'}
      </button>
      <button
        type="button"
        className="danger"
        disabled={busy || !!error}
        onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
            onClose();
          } catch (err) {
            setError((err as Error).message);
            setBusy(false);
          }
        }}
      >
        {busy ? 'Deleting…' : 'Delete'}
      </button>
    </>
  );
  return (
    <Modal title={title} onClose={onClose} actions={actions}>
      {children}
      {error && (
        <p className="error-text" role="alert">
          Not deleted: {error}
        </p>
      )}
    </Modal>
  );
}
