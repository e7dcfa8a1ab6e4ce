import { useState, type FormEvent } from 'react';
import { Modal } from '../components/ui.tsx';
import { notify } from '../components/toast.tsx';
import { FormFoot } from './form-foot.tsx';
import { classifierText, DEFAULT_BODY, HARMS, harmLabel, safetyApi, THRESHOLDS, type Harm, type Policy, type PolicyBody, type Threshold } from './safety-api.ts';

const NAME = /^[0-9A-Za-z._~-]{1,64}$/;

// eslint-disable-next-line @typescript-eslint/no-unused-vars
const bodyOf = ({ name, ...body }: Policy): PolicyBody => body;

function ThresholdSelect({ label, value, onChange, autoFocus }: { label: string; value: Threshold; onChange: (t: Threshold) => void; autoFocus?: boolean }) {
  return (
    <select aria-label={label} value={value} autoFocus={autoFocus} onChange={(e) => onChange(e.target.value as Threshold)}>
      {THRESHOLDS.map((t) => (
        <option key={t.id} value={t.id}>
          {t.label}
        </option>
      ))}
    </select>
  );
}

/**
 * A policy's thresholds per category for prompts and completions, its prompt shield and
 * blocklists. `policy` undefined: a new one, starting from Azure's defaults. A classifier set
 * through the API is shown and kept as it is.
 */
export function PolicyForm({ policy, blocklists, onClose, onSaved }: { policy?: Policy; blocklists: string[]; onClose: () => void; onSaved: () => void }) {
  const [name, setName] = useState(policy?.name ?? '');
  const [body, setBody] = useState<PolicyBody>(() => (policy ? bodyOf(policy) : DEFAULT_BODY));
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const setThreshold = (role: 'prompt' | 'completion', h: Harm, t: Threshold) => setBody((b) => ({ ...b, [role]: { ...b[role], [h]: t } }));
  const toggleList = (l: string, on: boolean) => setBody((b) => ({ ...b, blocklists: on ? [...b.blocklists, l] : b.blocklists.filter((x) => x !== l) }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!NAME.test(name)) return setError('a policy name is 1 to 64 letters, digits or . _ ~ -');
    setBusy(true);
    try {
      await safetyApi.putPolicy(name, body);
      notify('success', `Safety policy ${name} saved`);
      onSaved();
      onClose();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  const title = policy ? `Edit policy ${policy.name}` : 'New safety policy';
  return (
    <Modal title={title} onClose={onClose}>
      <form className="policy-form" onSubmit={submit}>
        {!policy && (
          <label className="field">
            <span>Policy name</span>
            <input value={name} autoFocus onChange={(e) => (setName(e.target.value), setError(undefined))} placeholder="strict" />
          </label>
        )}
        <table className="list compact thresholds">
          <caption className="field-label">Block at</caption>
          <thead>
            <tr>
              <th>Category</th>
              <th>Prompt</th>
              <th>Completion</th>
            </tr>
          </thead>
          <tbody>
            {HARMS.map((h) => (
              <tr key={h}>
                <th scope="row">{harmLabel(h)}</th>
                <td>
                  <ThresholdSelect label={`Prompt ${harmLabel(h)}`} autoFocus={!!policy && h === HARMS[0]} value={body.prompt[h]} onChange={(t) => setThreshold('prompt', h, t)} />
                </td>
                <td>
                  <ThresholdSelect label={`Completion ${harmLabel(h)}`} value={body.completion[h]} onChange={(t) => setThreshold('completion', h, t)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <label className="check">
          <input type="checkbox" checked={body.jailbreak} onChange={(e) => setBody((b) => ({ ...b, jailbreak: e.target.checked }))} />
          Block prompt attacks (jailbreak shield)
        </label>
        <fieldset className="policy-lists">
          <legend className="field-label">Blocklists</legend>
          {blocklists.length ? (
            blocklists.map((l) => (
              <label key={l} className="check">
                <input type="checkbox" checked={body.blocklists.includes(l)} onChange={(e) => toggleList(l, e.target.checked)} />
                {l}
              </label>
            ))
          ) : (
            <p className="muted">No blocklists yet: create one below the policies to block your own terms.</p>
          )}
        </fieldset>
        {body.classifier && (
          <p className="muted" data-testid="policy-classifier">
            Classifier: {classifierText(body.classifier)} (set through the API; kept as it is)
          </p>
        )}
        <FormFoot error={error} busy={busy} submit="Save policy" onCancel={onClose} />
      </form>
    </Modal>
  );
}
