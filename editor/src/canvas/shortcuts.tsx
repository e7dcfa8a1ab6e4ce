import { Modal } from '../components/ui.tsx';

const KEYS: [string, string][] = [
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Shift+Z / Ctrl+Y', 'Redo'],
  ['Ctrl+C / Ctrl+V', 'Copy / paste the selected nodes'],
  ['Ctrl+D', 'Duplicate the selection'],
  ['Ctrl+A', 'Select every node'],
  ['Del / Backspace', 'Delete the selection'],
  ['Shift+drag, Ctrl/Shift+click', 'Select several'],
  ['Tab, arrow keys', 'Focus a node, move it'],
  ['Ctrl+S', 'Save the draft now'],
  ['Ctrl+Enter', 'Run (in the Run tab)'],
  ['[ / ] / \\', 'Show or hide the palette / inspector / run drawer'],
  ['?', 'This list'],
];

export function Shortcuts({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} actions={<button onClick={onClose}>Close</button>}>
      <table className="list">
        <tbody>
          {KEYS.map(([k, what]) => (
            <tr key={k}>
              <td><kbd>{k}</kbd></td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">On a Mac, ⌘ works wherever Ctrl is shown.</p>
    </Modal>
  );
}
