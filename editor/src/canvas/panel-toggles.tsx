import { PANEL_KEYS, PANEL_LABEL, usePanels, type PanelId } from './panels.ts';

const CONTROLS: Record<PanelId, string> = { palette: 'editor-palette', inspector: 'editor-inspector', drawer: 'editor-drawer' };
const KEY = Object.fromEntries(Object.entries(PANEL_KEYS).map(([k, id]) => [id, k])) as Record<PanelId, string>;

/** Small box glyphs: which side of the window each panel sits on. */
function Glyph({ id }: { id: PanelId }) {
  const fill = { palette: { x: 1, y: 1, w: 4, h: 12 }, inspector: { x: 9, y: 1, w: 4, h: 12 }, drawer: { x: 1, y: 9, w: 12, h: 4 } }[id];
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">
      <rect x="0.5" y="0.5" width="13" height="13" rx="2" fill="none" stroke="currentColor" />
      <rect x={fill.x} y={fill.y} width={fill.w} height={fill.h} fill="currentColor" />
    </svg>
  );
}

/** Show or hide the palette, the inspector and the run drawer; the choice is remembered. */
export function PanelToggles() {
  const open = usePanels((p) => p.open);
  const toggle = usePanels((p) => p.toggle);
  return (
    <div className="bar-group panel-toggles" role="group" aria-label="Panels">
      {(['palette', 'drawer', 'inspector'] as const).map((id) => (
        <button
          key={id}
          type="button"
          className={open[id] ? 'ghost on' : 'ghost'}
          aria-expanded={open[id]}
          aria-controls={CONTROLS[id]}
          aria-label={PANEL_LABEL[id]}
          title={`${open[id] ? 'Hide' : 'Show'} the ${PANEL_LABEL[id].toLowerCase()} (${KEY[id]})`}
          onClick={() => toggle(id)}
        >
          <Glyph id={id} />
        </button>
      ))}
    </div>
  );
}
