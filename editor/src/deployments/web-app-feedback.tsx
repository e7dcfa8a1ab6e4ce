import { api } from '../api/client.ts';
import { formatDateTime } from '../components/format-date.ts';
import { useLoad } from '../components/ui.tsx';

interface FeedbackItem {
  id: string;
  rating: 'up' | 'down';
  comment: string | null;
  created_at: string;
  question: string | null;
  answer: string | null;
}
interface FeedbackPage {
  data: FeedbackItem[];
  next_cursor: string | null;
  counts?: { up: number; down: number };
}

/** What visitors thought of the app's answers: the counts, and the latest ratings with their comments. */
export function WebAppFeedback({ name }: { name: string }) {
  const fb = useLoad(() => api<FeedbackPage>(`/api/deployments/${encodeURIComponent(name)}/feedback?limit=5`), [name]);
  if (fb.error) return <p className="error-text" role="alert">Feedback could not be loaded: {fb.error.message}</p>;
  if (!fb.data) return null;
  const { data, counts } = fb.data;
  return (
    <div className="web-app-feedback" data-testid="web-app-feedback">
      <h3>Visitor feedback</h3>
      {counts && (
        <p>
          <span data-testid="feedback-up">{counts.up}</span> helpful · <span data-testid="feedback-down">{counts.down}</span> not helpful{' '}
          <button type="button" className="small" onClick={fb.reload}>Refresh</button>
        </p>
      )}
      {data.length === 0 ? (
        <p className="muted">No ratings yet.</p>
      ) : (
        <ul>
          {data.map((f) => (
            <li key={f.id} data-testid="feedback-item" data-rating={f.rating}>
              <span className={`tag ${f.rating === 'up' ? 'ok' : 'bad'}`}>{f.rating === 'up' ? 'helpful' : 'not helpful'}</span>{' '}
              <b>{f.question ?? '(question deleted)'}</b> <span className="muted">{formatDateTime(f.created_at)}</span>
              {f.comment && <blockquote>{f.comment}</blockquote>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
