import { useState, type FormEvent } from 'react';
import { PROP_KEY_PATTERN as TRAIT_KEY, shownTrait } from '@tidemark/core/rules';
import { statsApi } from '../api/stats';
import { useAsync } from '../lib/use-async';
import { parseViewState } from '../lib/view-state';
import { formatNumber } from '../lib/format';
import { DataTable } from './DataTable';
import { ErrorBanner } from './ErrorBanner';

/** People and page views of the last 30 days by a trait's value (the stats engine's trait:<key> dimension). */
export function TraitBreakdown({ siteId, traitKey, onKey }: { siteId: string; traitKey: string; onKey: (key: string) => void }) {
  const [text, setText] = useState(traitKey);
  const valid = TRAIT_KEY.test(traitKey);
  const rows = useAsync(
    (signal) =>
      statsApi.breakdown(siteId, parseViewState(''), `trait:${traitKey}`, ['visitors', 'pageviews'], 20, signal, { unit: 'people' }),
    [siteId, traitKey],
    valid,
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onKey(text.trim());
  };
  return (
    <section className="card" aria-label="People by trait">
      <form className="toolbar" aria-label="Break down by a trait" onSubmit={submit}>
        <div className="field">
          <label htmlFor="trait-key">Trait</label>
          <input id="trait-key" value={text} placeholder="plan" maxLength={64} onChange={(e) => setText(e.target.value)} />
        </div>
        <button type="submit" className="button">
          Break down
        </button>
      </form>
      {traitKey && !valid && <p className="muted">A trait key has letters, digits and _ . : - or spaces.</p>}
      <ErrorBanner error={rows.error} />
      {valid && rows.data && (
        <DataTable
          caption={`People of the last 30 days by ${traitKey}`}
          rows={rows.data}
          columns={[
            { key: 'v', header: traitKey, render: (r) => (r.label ? shownTrait(r.label) : '(none)') },
            { key: 'p', header: 'People', numeric: true, render: (r) => formatNumber(Number(r.values.visitors ?? 0)) },
            { key: 'pv', header: 'Page views', numeric: true, render: (r) => formatNumber(Number(r.values.pageviews ?? 0)) },
          ]}
        />
      )}
    </section>
  );
}
