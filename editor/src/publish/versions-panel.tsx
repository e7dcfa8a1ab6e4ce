import { useCallback, useEffect, useRef, useState } from 'react';
import type { FlowDoc, FlowVersion } from '../api/types.ts';
import { useEditor } from '../canvas/store.ts';
import { notify, notifyError } from '../components/toast.tsx';
import { useLoad } from '../components/ui.tsx';
import { deploymentsApi, type FlowDeployment } from '../deployments/deployments-api.ts';
import { href } from '../shell/router.ts';
import { DeployVersionDialog } from './deploy-version-dialog.tsx';
import { DiffSummary } from './diff-summary.tsx';
import { defaultRange, diffCounts, diffLabel, diffView, type DiffView } from './diff-view.ts';
import { publishApi, shortHash, timeAgo, versionDetail, type FlowDiffResult, type Side } from './publish-api.ts';
import { placements } from './version-deployments.ts';
import { useVersionsUi } from './versions-store.ts';
import '../styles/publish.css';

type Range = { from: number; to: Side };
type Compared = { range: Range; loading: true } | { range: Range; loading: false; diff: FlowDiffResult; view: DiffView } | { range: Range; loading: false; error: string };

const validRange = (r: Range, list: FlowVersion[]) =>
  list.some((v) => v.version === r.from) && (r.to === 'draft' || list.some((v) => v.version === r.to));

/** The flow's published versions, a comparison of any two (or a version and the draft), shown in words and on the canvas. */
export function VersionsPanel({ onClose }: { onClose: () => void }) {
  const flow = useEditor((s) => s.name);
  const viewing = useEditor((s) => s.viewing);
  const published = useVersionsUi((s) => s.published);
  const versions = useLoad(() => (flow ? publishApi.versions(flow) : Promise.resolve([])), [flow, published]);
  const list = versions.data ?? [];
  const newestFirst = [...list].sort((a, b) => b.version - a.version);
  // Where each version is served: this flow's deployments and their traffic split.
  const deployed = useLoad(async () => (flow ? (await deploymentsApi.list()).filter((d): d is FlowDeployment => d.kind === 'flow' && d.flow === flow) : []), [flow, published]);
  const served = placements(deployed.data ?? []);
  const [deploying, setDeploying] = useState<number>();

  const [range, setRange] = useState<Range>();
  const touched = useRef(false);
  const [compared, setCompared] = useState<Compared>();
  // What this panel put on the canvas, so closing clears only its own view (not, say, a past run's).
  const shown = useRef<{ label: string; doc: FlowDoc }>(undefined);
  const seq = useRef(0);

  const show = useCallback((marks: DiffView['marks'], viewing: { label: string; doc: FlowDoc }) => {
    shown.current = viewing;
    useEditor.getState().setMarks(marks, viewing);
    useEditor.getState().requestFit();
  }, []);

  const backToDraft = useCallback(() => {
    seq.current++;
    shown.current = undefined;
    useEditor.getState().setMarks(undefined, undefined);
  }, []);

  // Until the user picks a pair, follow the default (a publish moves "latest" on).
  useEffect(() => {
    if (!versions.data) return;
    setRange((r) => (r && touched.current && validRange(r, versions.data!) ? r : defaultRange(versions.data!)));
  }, [versions.data]);

  const compare = useCallback(
    async (r: Range) => {
      const my = ++seq.current;
      setCompared({ range: r, loading: true });
      try {
        // The server diffs against the saved draft; the canvas shows the one in memory: make them one.
        if (r.to === 'draft') await useEditor.getState().flush();
        const [diff, from, to] = await Promise.all([
          publishApi.diff(flow, r.from, r.to),
          versionDetail(flow, r.from).then((v) => v.definition),
          r.to === 'draft' ? useEditor.getState().doc : versionDetail(flow, r.to).then((v) => v.definition),
        ]);
        if (my !== seq.current) return;
        const view = diffView(diff, from, to);
        setCompared({ range: r, loading: false, diff, view });
        show(view.marks, { label: diffLabel(r.from, r.to), doc: view.doc });
      } catch (err) {
        if (my === seq.current) setCompared({ range: r, loading: false, error: err instanceof Error ? err.message : String(err) });
      }
    },
    [flow, show],
  );

  useEffect(() => {
    if (range) void compare(range);
  }, [range, compare]);

  // Closing the panel (or leaving the page) returns the canvas to the draft.
  useEffect(() => {
    useVersionsUi.getState().setMounted(true);
    return () => {
      useVersionsUi.getState().setMounted(false);
      seq.current++;
      if (shown.current && useEditor.getState().viewing === shown.current) useEditor.getState().setMarks(undefined, undefined);
      shown.current = undefined;
    };
  }, []);

  const pick = (patch: Partial<Range>) => {
    touched.current = true;
    setRange((r) => (r ? { ...r, ...patch } : r));
  };

  const open = async (n: number) => {
    seq.current++;
    try {
      const v = await versionDetail(flow, n);
      show({}, { label: `version ${n}`, doc: v.definition });
    } catch (err) {
      notifyError(err);
    }
  };

  const restore = async (n: number) => {
    try {
      const v = await versionDetail(flow, n);
      backToDraft();
      // The draft keeps its own name: a version of a flow copied under another name still fits it.
      const s = useEditor.getState();
      s.commit({ ...v.definition, name: s.doc.name || flow });
      notify('success', `Version ${n} restored into the draft. Undo brings back what was there.`);
    } catch (err) {
      notifyError(err);
    }
  };

  const ours = !!viewing && viewing === shown.current;
  const showingDiff = ours && compared && !compared.loading && 'view' in compared && viewing.doc === compared.view.doc;

  return (
    <aside className="versions-panel" aria-label="Versions">
      <header className="vp-head">
        <h3>Versions</h3>
        <span className="spacer" />
        <button type="button" className="ghost small" aria-label="Close versions" title="Close" onClick={onClose}>
          ✕
        </button>
      </header>

      {versions.error && <p className="error-text">{versions.error.message}</p>}
      {versions.data && !list.length && <p className="muted vp-empty">Not published yet. Publish the draft to make version 1; versions appear here.</p>}

      {range && (
        <section className="vp-compare">
          <h4>Compare</h4>
          <div className="row vp-pick">
            <select aria-label="From version" value={range.from} onChange={(e) => pick({ from: Number(e.target.value) })}>
              {newestFirst.map((v) => (
                <option key={v.version} value={v.version}>v{v.version}</option>
              ))}
            </select>
            <span aria-hidden>→</span>
            <select aria-label="To version" value={String(range.to)} onChange={(e) => pick({ to: e.target.value === 'draft' ? 'draft' : Number(e.target.value) })}>
              <option value="draft">Draft</option>
              {newestFirst.map((v) => (
                <option key={v.version} value={v.version}>v{v.version}</option>
              ))}
            </select>
          </div>
          {compared?.loading && <p className="muted">Comparing…</p>}
          {compared && !compared.loading && 'error' in compared && <p className="error-text">{compared.error}</p>}
          {compared && !compared.loading && 'diff' in compared && (
            <>
              <div className="row vp-counts">
                <span className="muted">{diffCounts(compared.diff)}</span>
                <span className="spacer" />
                {showingDiff ? (
                  <button type="button" className="small" onClick={backToDraft}>
                    Back to draft
                  </button>
                ) : (
                  <button type="button" className="small" onClick={() => void compare(compared.range)}>
                    Show on canvas
                  </button>
                )}
              </div>
              <DiffSummary diff={compared.diff} onPick={showingDiff ? (n) => useEditor.getState().select([n]) : undefined} />
            </>
          )}
        </section>
      )}

      {list.length > 0 && (
        <section className="vp-history">
          <h4>History</h4>
          <ul className="vp-list">
            <li className={`vp-item${viewing ? '' : ' current'}`}>
              <div className="vp-line">
                <span className="tag accent">Draft</span>
                <span className="muted">being edited</span>
              </div>
            </li>
            {newestFirst.map((v) => (
              <li key={v.version} className={`vp-item${ours && viewing?.label === `version ${v.version}` ? ' current' : ''}`}>
                <div className="vp-line">
                  <span className="tag">v{v.version}</span>
                  <span className={v.message ? 'vp-message' : 'vp-message muted'} title={v.message}>
                    {v.message || 'no message'}
                  </span>
                </div>
                <div className="vp-meta muted">
                  {v.author} · <time dateTime={v.created_at} title={new Date(v.created_at).toLocaleString()}>{timeAgo(v.created_at)}</time> ·{' '}
                  <code title={v.hash}>{shortHash(v.hash)}</code>
                </div>
                <div className="vp-deployed" data-testid={`version-${v.version}-deployments`}>
                  {(served.get(v.version) ?? []).map((p) => (
                    <a key={p.deployment} className="tag ok" href={href('deployments', p.deployment)} title={`${p.deployment} sends ${p.weight}% of its calls to v${v.version}`}>
                      {p.deployment} {p.weight}%
                    </a>
                  ))}
                  {deployed.data && !served.get(v.version) && <span className="muted">not deployed</span>}
                </div>
                <div className="vp-actions">
                  <button type="button" className="small primary" aria-label={`Deploy version ${v.version}`} onClick={() => setDeploying(v.version)}>
                    Deploy this version
                  </button>
                  <button type="button" className="small" onClick={() => void open(v.version)}>
                    Open version {v.version}
                  </button>
                  <button type="button" className="small" title="Replace the draft with this version (Undo reverts it)" onClick={() => void restore(v.version)}>
                    Restore to draft
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}
      {deploying !== undefined && (
        <DeployVersionDialog flow={flow} version={deploying} deployments={deployed.data ?? []} onClose={() => setDeploying(undefined)} onDone={deployed.reload} />
      )}
    </aside>
  );
}
