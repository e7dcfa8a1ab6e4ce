// Moved to components/ (every page asks before what cannot be undone); kept for existing imports.
export { ConfirmDialog } from '../components/confirm-dialog.tsx';
