import { MonitorDetail } from './monitor-detail.tsx';
import { MonitorList } from './monitor-list.tsx';
import '../styles/usage.css';
import '../styles/monitoring.css';

/** `#/monitoring` lists the deployments with their monitors; `#/monitoring/<deployment>` opens one. */
export function MonitoringPage({ deployment }: { deployment?: string }) {
  return deployment ? <MonitorDetail name={deployment} /> : <MonitorList />;
}
