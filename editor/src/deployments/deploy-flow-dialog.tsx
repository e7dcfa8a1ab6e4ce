import { useEffect, useState } from 'react';
import { ApiError } from '../api/client.ts';
import { Modal, useLoad } from '../components/ui.tsx';
import { notify } from '../components/toast.tsx';
import { href } from '../shell/router.ts';
import { DEPLOYMENT_NAME, deploymentNameFor, deploymentsApi, formatTime, type Deployment } from './deployments-api.ts';
import '../styles/deployments.css';

export interface DeployFlowDialogProps {
  /** Preselects (and fixes) the flow, as the canvas does right after publishing. */
  flow?: string;
  /** Preselects a version; the newest published one otherwise. */
  version?: number;
  onClose: () => void;
  onDone: (deployment: Deployment) => void;
}

/** Creates a deployment serving one published version of a flow (100 % of its traffic). */
export function DeployFlowDialog({ flow: fixedFlow, version: fixedVersion, onClose, onDone }: DeployFlowDialogProps) {
  const [flow, setFlow] = useState(fixedFlow ?? '');
  const [version, setVersion] = useState<number | undefined>(fixedVersion);
  const [name, setName] = useState(fixedFlow ? deploymentNameFor(fixedFlow) : '');
  const [nameTouched, setNameTouched] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const flows = useLoad(() => (fixedFlow ? Promise.resolve([]) : deploymentsApi.flows()), [fixedFlow]);
  const versions = useLoad(() => (flow ? deploymentsApi.versions(flow) : Promise.resolve([])), [flow]);

  // A new flow choice brings its newest version and, unless typed by hand, a name from the flow.
  useEffect(() => {
    const list = versions.data;
    if (!list || !flow) return;
    setVersion((v) => (v !== undefined && list.some((x) => x.version === v) ? v : list[list.length - 1]?.version));
  }, [versions.data, flow]);
  useEffect(() => {
    if (!nameTouched && flow) setName(deploymentNameFor(flow));
  }, [flow, nameTouched]);

  const nameProblem = name && !DEPLOYMENT_NAME.test(name) ? 'lower-case letters, digits and -, starting with a letter or digit (up to 63)' : undefined;
  const ready = !!flow && version !== undefined && !!name && !nameProblem && !busy;

  const submit = async () => {
    if (!ready) return;
    setBusy(true);
    setError(undefined);
    try {
      const d = await deploymentsApi.createFlow({ name, flow, traffic: [{ version: version!, weight: 100 }] });
      notify('success', `Deployed ${flow} v${version} as ${name}`);
      onDone(d);
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const unpublished = !!flow && versions.data?.length === 0;
  return (
    <Modal
      title="New deployment"
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={!ready} onClick={submit}>
            {busy ? 'Deploying…' : 'Deploy'}
          </button>
        </>
      }
    >
      <form
        className="deploy-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="muted">A deployment serves a published version of a flow as an HTTP endpoint called with a key.</p>
        <label className="field">
          <span>Flow</span>
          {fixedFlow ? (
            <input value={fixedFlow} readOnly aria-label="Flow" />
          ) : (
            <select aria-label="Flow" value={flow} onChange={(e) => setFlow(e.target.value)}>
              <option value="">{flows.loading ? 'Loading flows…' : 'Choose a flow'}</option>
              {flows.data?.map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name} {f.versions ? `(${f.versions} version${f.versions === 1 ? '' : 's'})` : '(not published)'}
                </option>
              ))}
            </select>
          )}
          {flows.error && <span className="error-text">{flows.error.message}</span>}
        </label>
        {flow && (
          <label className="field">
            <span>Version</span>
            <select aria-label="Version" value={version ?? ''} disabled={!versions.data?.length} onChange={(e) => setVersion(Number(e.target.value))}>
              {versions.loading && <option value="">Loading versions…</option>}
              {versions.data?.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                  {v.message ? ` — ${v.message}` : ''} ({formatTime(v.created_at)})
                </option>
              ))}
            </select>
            {versions.error && <span className="error-text">{versions.error.message}</span>}
            {unpublished && (
              <span className="hint" role="note">
                <b>{flow}</b> has no published version yet. A deployment serves an immutable published version, so publish the flow first:{' '}
                <a href={href('flows', flow)} onClick={onClose}>
                  open {flow}
                </a>{' '}
                and press Publish.
              </span>
            )}
          </label>
        )}
        <label className="field">
          <span>Deployment name</span>
          <input
            aria-label="Deployment name"
            value={name}
            placeholder="my-endpoint"
            onKeyDown={(e) => e.key === 'Enter' && void submit()}
            onChange={(e) => {
              setName(e.target.value);
              setNameTouched(true);
            }}
          />
          <span className={nameProblem ? 'error-text' : 'hint'}>
            {nameProblem ?? (name ? `Called at ${location.origin}/deployments/${name}/score` : 'Part of the endpoint URL')}
          </span>
        </label>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
      </form>
    </Modal>
  );
}
