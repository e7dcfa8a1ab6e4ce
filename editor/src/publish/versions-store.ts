import { create } from 'zustand';

/**
 * Links the publish dialog and the versions panel, which sit in different parts of the editor page
 * and otherwise know nothing of each other.
 */
interface VersionsUiState {
  /** Whether a VersionsPanel is on screen (so "View versions" need not open another). */
  mounted: boolean;
  /** Bumped after each publish, so an open versions list loads again. */
  published: number;
  setMounted(mounted: boolean): void;
  notePublished(): void;
}

export const useVersionsUi = create<VersionsUiState>((set, get) => ({
  mounted: false,
  published: 0,
  setMounted: (mounted) => set({ mounted }),
  notePublished: () => set({ published: get().published + 1 }),
}));
