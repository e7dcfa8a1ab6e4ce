import { useLoad } from '../components/ui.tsx';
import { href } from '../shell/router.ts';
import { exact } from './format.ts';
import { quotasApi } from './quotas-api.ts';
import { UsageBar } from './usage-bar.tsx';

/** Local models' quota: the memory this instance offers them (WEIR_COMPUTE_MEMORY_MB), what their loaded models use and what is left. */
export function ComputeCard() {
  const compute = useLoad(() => quotasApi.compute(), []);
  const c = compute.data;
  return (
    <section className="card pool-card" aria-label="Compute for local models" data-testid="compute">
      <h2>Compute for local models</h2>
      <p className="muted">
        Local models run on this instance and draw on the memory it offers them; deploying one that does not fit is refused with what is left.
      </p>
      {compute.error && (
        <p className="error-text" role="alert">
          {compute.error.message}
        </p>
      )}
      {c && (
        <>
          <UsageBar
            allocated={c.memory_mb.used}
            tpm={c.memory_mb.offered}
            label="Memory in use by local models"
            says={`${exact(c.memory_mb.used)} of ${exact(c.memory_mb.offered)} MiB in use, ${exact(c.memory_mb.left)} MiB left`}
          />
          <dl className="pool-figures compute-figures">
            <div>
              <dt>Offered</dt>
              <dd data-testid="compute-offered">{exact(c.memory_mb.offered)} MiB</dd>
            </div>
            <div>
              <dt>In use</dt>
              <dd data-testid="compute-used">{exact(c.memory_mb.used)} MiB</dd>
            </div>
            <div>
              <dt>Left</dt>
              <dd data-testid="compute-left">{exact(c.memory_mb.left)} MiB</dd>
            </div>
            <div>
              <dt>Threads</dt>
              <dd>{c.threads}</dd>
            </div>
          </dl>
          {c.models.length === 0 ? (
            <p className="muted">No local model is loaded.</p>
          ) : (
            <table className="list compact" aria-label="Local models loaded">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">Memory</th>
                  <th scope="col">Context</th>
                  <th scope="col">Deployments</th>
                </tr>
              </thead>
              <tbody>
                {c.models.map((m) => (
                  <tr key={`${m.model}@${m.context_size ?? ''}`}>
                    <td>
                      <a href={href('models', m.model)}>{m.model}</a>
                    </td>
                    <td>{exact(m.memory_mb)} MiB</td>
                    <td>{m.context_size === null ? "the model's own" : `${exact(m.context_size)} tokens`}</td>
                    <td>
                      {m.deployments.map((d, i) => (
                        <span key={d}>
                          {i > 0 && ', '}
                          <a href={href('deployments', d)}>{d}</a>
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
