import { create } from 'zustand';

/** The editor's side panels and run drawer; each collapses to give the canvas the room. */
export type PanelId = 'palette' | 'inspector' | 'drawer';

const KEY = 'weir.editor.panels';

type Open = Record<PanelId, boolean>;

function remembered(): Open {
  const all: Open = { palette: true, inspector: true, drawer: true };
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Record<PanelId, unknown>>;
    for (const id of Object.keys(all) as PanelId[]) if (typeof saved[id] === 'boolean') all[id] = saved[id] as boolean;
  } catch {
    // Unreadable (or no storage): every panel open.
  }
  return all;
}

interface Panels {
  open: Open;
  toggle(id: PanelId): void;
  show(id: PanelId): void;
}

/** Which panels are open, remembered across visits (per browser). */
export const usePanels = create<Panels>((set, get) => {
  const save = (open: Open) => {
    set({ open });
    try {
      localStorage.setItem(KEY, JSON.stringify(open));
    } catch {
      // Private mode or full: the choice lasts for this visit.
    }
  };
  return {
    open: remembered(),
    toggle: (id) => save({ ...get().open, [id]: !get().open[id] }),
    show: (id) => get().open[id] || save({ ...get().open, [id]: true }),
  };
});

/** Keys that show or hide a panel (outside text fields). */
export const PANEL_KEYS: Record<string, PanelId> = { '[': 'palette', ']': 'inspector', '\\': 'drawer' };

export const PANEL_LABEL: Record<PanelId, string> = { palette: 'Node palette', inspector: 'Inspector', drawer: 'Run drawer' };
