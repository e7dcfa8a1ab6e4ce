import { create } from 'zustand';
import type { RunDetail } from '../api/types.ts';
import type { FieldValue } from './input-values.ts';

/**
 * What the run drawer remembers apart from the canvas: the form as typed (per flow, so switching
 * drawer tabs or flows keeps it), whether a run streams now, and the recorded trace of the run shown.
 * The canvas's own `run` (a RunView) stays the live colouring; this holds the details behind it.
 */
export interface RunStoreState {
  values: Record<string, Record<string, FieldValue>>;
  /** Field errors from the server (an `inputs.<name>` param), per flow. */
  serverErrors: Record<string, Record<string, string>>;
  /** The flow whose run streams now, if one does. */
  streaming?: string;
  cancelling: boolean;
  /** Why the server refused to start the last run (bad inputs, an invalid draft); no node ran. */
  startError?: { flow: string; code: string; message: string; param?: string };
  /** The recorded run (with its trace) behind the canvas's run view; its id matches `run.id`. */
  detail?: RunDetail;
  /** Set when `detail` was opened from the history rather than just run. */
  opened: boolean;
  loadingDetail: boolean;
  detailError?: string;
  /** Counts finished runs so the history knows to reload. */
  finished: number;

  setValue(flow: string, name: string, value: FieldValue): void;
  setValues(flow: string, values: Record<string, FieldValue>): void;
  setServerErrors(flow: string, errors: Record<string, string>): void;
  patch(p: Partial<Omit<RunStoreState, 'setValue' | 'setValues' | 'setServerErrors' | 'patch'>>): void;
}

export const useRunStore = create<RunStoreState>((set, get) => ({
  values: {},
  serverErrors: {},
  cancelling: false,
  opened: false,
  loadingDetail: false,
  finished: 0,

  setValue(flow, name, value) {
    const s = get();
    const errs = s.serverErrors[flow];
    set({
      values: { ...s.values, [flow]: { ...s.values[flow], [name]: value } },
      // The server's complaint was about the old value: drop it once the field changes.
      ...(errs?.[name] ? { serverErrors: { ...s.serverErrors, [flow]: { ...errs, [name]: '' } } } : {}),
    });
  },
  setValues(flow, values) {
    set({ values: { ...get().values, [flow]: values }, serverErrors: { ...get().serverErrors, [flow]: {} } });
  },
  setServerErrors(flow, errors) {
    set({ serverErrors: { ...get().serverErrors, [flow]: errors } });
  },
  patch(p) {
    set(p);
  },
}));
