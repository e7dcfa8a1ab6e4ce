import { useState } from 'react';
import { notifyError } from '../components/toast.tsx';
import { usageApi, type UsageFilter } from './usage-api.ts';

/** Downloads the report as shown (range, filters, grouping) as CSV, fetched with the admin token. */
export function ExportButton({ filter, groupBy }: { filter?: UsageFilter; groupBy: string[] }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={!filter || busy}
      onClick={async () => {
        if (!filter) return;
        setBusy(true);
        try {
          await usageApi.downloadCsv(filter, groupBy, `weir-usage-${filter.from.slice(0, 10)}-to-${filter.to.slice(0, 10)}.csv`);
        } catch (err) {
          notifyError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      {busy ? 'Exporting…' : 'Export CSV'}
    </button>
  );
}
