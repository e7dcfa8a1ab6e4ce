import { useMemo, useState, type DragEvent } from 'react';
import type { NodeTypeInfo } from '../api/types.ts';
import { useEditor } from './store.ts';

export const DRAG_TYPE = 'application/x-weir-node-type';

const ORDER = ['models', 'text', 'data', 'control', 'integration'];

/** Node types grouped by category, searchable; drag one onto the canvas, or press Enter / click + to add. */
export function Palette({ onAdd }: { onAdd: (type: string) => void }) {
  const types = useEditor((s) => s.types);
  const [q, setQ] = useState('');
  const groups = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const hit = (t: NodeTypeInfo) => !needle || [t.type, t.title, t.category, t.description ?? ''].some((x) => x.toLowerCase().includes(needle));
    const by = new Map<string, NodeTypeInfo[]>();
    for (const t of Object.values(types).filter(hit)) by.set(t.category, [...(by.get(t.category) ?? []), t]);
    const rank = (c: string) => (ORDER.includes(c) ? ORDER.indexOf(c) : ORDER.length);
    return [...by.entries()].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  }, [types, q]);
  const start = (e: DragEvent, type: string) => {
    e.dataTransfer.setData(DRAG_TYPE, type);
    e.dataTransfer.effectAllowed = 'move';
  };
  return (
    <aside className="palette" id="editor-palette" aria-label="Node palette">
      <input type="search" aria-label="Search node types" placeholder="Search nodes…" value={q} onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && groups[0]?.[1][0] && onAdd(groups[0][1][0].type)} />
      {groups.map(([cat, list]) => (
        <div key={cat} className="palette-group">
          <div className="palette-cat">{cat}</div>
          {list.map((t) => (
            <div key={t.type} className={`palette-item c-${t.category}`} draggable onDragStart={(e) => start(e, t.type)} data-testid={`palette-${t.type}`} title={t.description}>
              <div className="palette-text">
                <span className="palette-title">{t.title}</span>
                <span className="palette-desc">{t.description}</span>
              </div>
              <button className="ghost small" aria-label={`Add ${t.title}`} onClick={() => onAdd(t.type)}>+</button>
            </div>
          ))}
        </div>
      ))}
      {!groups.length && <p className="muted">No node type matches “{q}”.</p>}
    </aside>
  );
}
