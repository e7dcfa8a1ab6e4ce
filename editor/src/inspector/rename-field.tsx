import { useDraft } from './use-draft.ts';

export interface RenameFieldProps {
  value: string;
  /** Why a name cannot be used (the current name is never asked about), or null. */
  problem: (name: string) => string | null;
  onRename: (to: string) => void;
  label: string;
  readOnly?: boolean;
  className?: string;
}

/**
 * A name that other parts of the flow refer to. It is renamed once, on Enter or when the field is
 * left — renaming per keystroke would rewrite every reference (and the undo history) letter by letter.
 */
export function RenameField({ value, problem, onRename, label, readOnly, className }: RenameFieldProps) {
  const { text, edit } = useDraft(value);
  const error = text !== value ? problem(text) : null;
  const done = () => {
    if (text === value) return;
    if (error) return edit(value);
    edit(text, text);
    onRename(text);
  };
  return (
    <span className={`insp-rename ${className ?? ''}`}>
      <input
        type="text"
        aria-label={label}
        aria-invalid={!!error}
        className={error ? 'insp-invalid' : undefined}
        value={text}
        readOnly={readOnly}
        spellCheck={false}
        onChange={(e) => edit(e.target.value)}
        onBlur={done}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            done();
          } else if (e.key === 'Escape') edit(value);
        }}
      />
      {error && <span className="error-text" role="alert">{error}</span>}
    </span>
  );
}
