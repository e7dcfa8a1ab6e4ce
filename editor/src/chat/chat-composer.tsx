import { useState, type KeyboardEvent, type Ref } from 'react';

/**
 * The message box: Enter sends, Shift+Enter starts a new line; while an answer streams, Stop replaces
 * Send. Shared by the model playground, the web app and the editor's chat panel.
 */
export function ChatComposer({ disabled, busy, onSend, onStop, placeholder, inputRef }: {
  disabled: boolean;
  busy: boolean;
  onSend: (text: string) => Promise<boolean>;
  onStop: () => void;
  placeholder: string;
  inputRef?: Ref<HTMLTextAreaElement>;
}) {
  const [text, setText] = useState('');

  async function submit() {
    if (disabled || busy || !text.trim()) return;
    const q = text;
    setText('');
    if (!(await onSend(q))) setText(q);
  }

  function onKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    // isComposing: Enter that confirms an IME composition is not a send.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  }

  return (
    <div className="composer">
      <textarea
        ref={inputRef} aria-label="Message" rows={3} placeholder={placeholder} value={text}
        onChange={(e) => setText(e.target.value)} onKeyDown={onKey}
      />
      <div className="composer-actions">
        {busy ? (
          <button type="button" className="danger" onClick={onStop}>Stop</button>
        ) : (
          <button type="button" className="primary" disabled={disabled || !text.trim()} onClick={() => void submit()}>Send</button>
        )}
        <span className="muted small-text composer-hint"><kbd>Enter</kbd> send · <kbd>Shift</kbd>+<kbd>Enter</kbd> new line</span>
      </div>
    </div>
  );
}
