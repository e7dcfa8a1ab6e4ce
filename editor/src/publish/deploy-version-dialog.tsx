import { useState } from 'react';
import { Modal } from '../components/ui.tsx';
import { notify } from '../components/toast.tsx';
import { DeployFlowDialog } from '../deployments/deploy-flow-dialog.tsx';
import { deploymentsApi, type FlowDeployment } from '../deployments/deployments-api.ts';
import { href } from '../shell/router.ts';

const NEW = '';

/**
 * "Deploy this version": all of an existing deployment's traffic to it (the deployment keeps its
 * name, keys and endpoint), or a new deployment serving it.
 */
export function DeployVersionDialog({ flow, version, deployments, onClose, onDone }: { flow: string; version: number; deployments: FlowDeployment[]; onClose: () => void; onDone: () => void }) {
  const [target, setTarget] = useState(deployments[0]?.name ?? NEW);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [creating, setCreating] = useState(false);

  if (creating) {
    return (
      <DeployFlowDialog
        flow={flow}
        version={version}
        onClose={onClose}
        onDone={() => {
          onDone();
          onClose();
        }}
      />
    );
  }

  const current = deployments.find((d) => d.name === target);
  const go = async () => {
    if (target === NEW) return setCreating(true);
    setBusy(true);
    setError(undefined);
    try {
      await deploymentsApi.setTraffic(target, [{ version, weight: 100 }]);
      notify('success', `${target} now serves ${flow} v${version} (100 % of its traffic)`);
      onDone();
      onClose();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  return (
    <Modal
      title={`Deploy version ${version}`}
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void go()}>
            {busy ? 'Deploying…' : target === NEW ? 'Next' : `Send all traffic to v${version}`}
          </button>
        </>
      }
    >
      <div className="field">
        <label htmlFor="deploy-version-target" className="field-label">
          Deploy to
        </label>
        <select id="deploy-version-target" value={target} onChange={(e) => setTarget(e.target.value)}>
          {deployments.map((d) => (
            <option key={d.name} value={d.name}>
              {d.name} — now {d.traffic.map((t) => `v${t.version} ${t.weight}%`).join(', ')}
            </option>
          ))}
          <option value={NEW}>A new deployment…</option>
        </select>
      </div>
      {current ? (
        <p className="muted">
          <a href={href('deployments', current.name)}>{current.name}</a> keeps its endpoint and keys; every call goes to version {version} from now on. For a
          gradual rollout, split the traffic on the deployment's page instead.
        </p>
      ) : (
        <p className="muted">A new deployment with its own endpoint, serving version {version} with all of its traffic.</p>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </Modal>
  );
}
