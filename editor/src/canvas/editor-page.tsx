import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { FlowChatPanel } from '../chat/flow-chat.tsx';
import type { FlowRecord, NodeTypeInfo } from '../api/types.ts';
import { loadCodeEditor } from '../components/code-editor.tsx';
import { Tabs } from '../components/ui.tsx';
import { Inspector } from '../inspector/inspector.tsx';
import { VersionsPanel } from '../publish/versions-panel.tsx';
import { RunHistory } from '../run/run-history.tsx';
import { RunPanel } from '../run/run-panel.tsx';
import '../styles/canvas.css';
import { FlowCanvas } from './flow-canvas.tsx';
import { useCanvasKeys } from './keyboard.ts';
import { Palette } from './palette.tsx';
import { usePanels } from './panels.ts';
import { usePlaceNode } from './place-node.ts';
import { ProblemsList } from './problems-list.tsx';
import { Shortcuts } from './shortcuts.tsx';
import { useEditor } from './store.ts';
import { Toolbar, type View } from './toolbar.tsx';
import { YamlView } from './yaml-view.tsx';

type Drawer = 'run' | 'problems' | 'history';

/** A draft the canvas cannot draw opens as YAML with its problems, until it is mended there. */
function BrokenDraft({ reason }: { reason: string }) {
  return (
    <div className="editor">
      <Toolbar view="yaml" setView={() => undefined} onVersions={() => undefined} onHelp={() => undefined} />
      <div className="broken-draft">
        <div className="broken-banner" role="alert">
          The canvas cannot draw this draft: {reason}. Mend it in the YAML below; the canvas opens as soon as it can.
        </div>
        <div className="editor-main"><YamlView /></div>
        <section className="drawer" aria-label="Problems"><div className="drawer-body"><ProblemsList /></div></section>
      </div>
    </div>
  );
}

function Workbench() {
  const broken = useEditor((s) => s.broken);
  return broken ? <BrokenDraft reason={broken} /> : <Canvas />;
}

function Canvas() {
  const [view, setView] = useState<View>('canvas');
  const [drawer, setDrawer] = useState<Drawer>('run');
  const [versions, setVersions] = useState(false);
  const problems = useEditor((s) => s.problems.length);
  const place = usePlaceNode().add;
  const open = usePanels((p) => p.open);
  const showDrawer = usePanels((p) => p.show);
  const right = versions || open.inspector;
  // Collapsed panels leave the canvas their room; the run drawer keeps its tabs to open it again.
  // The last track (auto) holds the chat panel when it is open, and is empty otherwise.
  const columns = `${open.palette ? '220px ' : ''}minmax(0, 1fr)${right ? ' 340px' : ''} auto`;
  const [help, setHelp] = useState(false);
  const openHelp = useCallback(() => setHelp(true), []);
  useCanvasKeys(view === 'canvas', openHelp);
  return (
    <div className="editor">
      <Toolbar view={view} setView={setView} onVersions={() => setVersions((v) => !v)} onHelp={openHelp} />
      {help && <Shortcuts onClose={() => setHelp(false)} />}
      <div className="editor-body" style={{ gridTemplateColumns: columns }}>
        {open.palette && <Palette onAdd={place} />}
        <div className={open.drawer ? 'editor-center' : 'editor-center drawer-closed'}>
          <div className="editor-main">{view === 'canvas' ? <FlowCanvas /> : <YamlView />}</div>
          <section className="drawer" id="editor-drawer" aria-label="Run and problems">
            <Tabs
              tabs={[
                { id: 'run', label: 'Run' },
                { id: 'problems', label: problems ? `Problems (${problems})` : 'Problems' },
                { id: 'history', label: 'History' },
              ]}
              value={drawer}
              onChange={(d) => (setDrawer(d), showDrawer('drawer'))}
            />
            {/* Hidden, not gone: Ctrl+Enter still runs with the drawer collapsed (the nodes show the run). */}
            <div className="drawer-body" hidden={!open.drawer}>
              {drawer === 'run' && <RunPanel />}
              {drawer === 'problems' && <ProblemsList />}
              {drawer === 'history' && <RunHistory />}
            </div>
          </section>
        </div>
        {versions ? <VersionsPanel onClose={() => setVersions(false)} /> : open.inspector && <Inspector />}
        <FlowChatPanel />
      </div>
    </div>
  );
}

export function EditorPage({ name }: { name: string }) {
  const [error, setError] = useState<string>();
  useEffect(() => {
    const t = setTimeout(() => void loadCodeEditor().catch(() => undefined), 200);
    return () => clearTimeout(t);
  }, []);
  // Set once this page loaded the flow: the store may still hold an earlier visit's copy.
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    let live = true;
    Promise.all([api<FlowRecord>(`/api/flows/${encodeURIComponent(name)}`), api<{ data: NodeTypeInfo[] }>('/api/node-types')]).then(
      async ([record, types]) => {
        // What the last flow had not saved yet goes to the server before this one replaces it.
        await useEditor.getState().flush();
        if (!live) return;
        useEditor.getState().load(record, types.data);
        setLoaded(true);
      },
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
      // Leaving the page saves what is pending.
      void useEditor.getState().flush();
    };
  }, [name]);
  if (error) return <div className="empty-page"><h2>Cannot open “{name}”</h2><p>{error}</p><a href="#/flows">Back to flows</a></div>;
  if (!loaded) return <div className="loading">Opening {name}…</div>;
  return (
    <ReactFlowProvider>
      <Workbench />
    </ReactFlowProvider>
  );
}
