/** The end of a dialog's form: the server's refusal (kept until the form changes), Cancel and the submit button. */
export function FormFoot({ error, busy, ready = true, submit, onCancel }: { error?: string; busy: boolean; ready?: boolean; submit: string; onCancel: () => void }) {
  return (
    <>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy || !ready}>
          {busy ? 'Saving…' : submit}
        </button>
      </div>
    </>
  );
}
