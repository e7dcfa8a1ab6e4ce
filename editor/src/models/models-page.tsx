import '../styles/models.css';
import { ModelCatalog } from './model-catalog.tsx';
import { ModelDetail } from './model-detail.tsx';

/** `#/models` is the catalog, `#/models/<id>` one model with its deployments and a deploy form. */
export function ModelsPage({ id }: { id?: string }) {
  return id ? <ModelDetail key={id} id={id} /> : <ModelCatalog />;
}
