import { useId, useState, type FormEvent } from 'react';
import { PERIODS, type PeriodId, type ViewState } from '../lib/view-state';

function isoDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Period select plus, for a custom range, two date inputs applied together. */
export function PeriodPicker({ view, onChange }: { view: ViewState; onChange: (v: ViewState) => void }) {
  const id = useId();
  const [custom, setCustom] = useState(view.period === 'custom');
  const today = isoDay(new Date());
  const select = (p: PeriodId) => {
    if (p === 'custom') {
      setCustom(true);
      return;
    }
    setCustom(false);
    onChange({ ...view, period: p, from: undefined, to: undefined, interval: undefined });
  };
  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    let from = String(f.get('from'));
    let to = String(f.get('to'));
    if (from > to) [from, to] = [to, from];
    onChange({ ...view, period: 'custom', from, to, interval: undefined });
  };
  return (
    <div className="period-picker">
      <label htmlFor={`${id}-period`} className="visually-hidden">
        Period
      </label>
      <select id={`${id}-period`} value={custom ? 'custom' : view.period} onChange={(e) => select(e.target.value as PeriodId)}>
        {PERIODS.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
      </select>
      {custom && (
        <form className="custom-range" onSubmit={apply}>
          <label>
            From <input type="date" name="from" required max={today} defaultValue={view.from ?? ''} />
          </label>
          <label>
            To <input type="date" name="to" required max={today} defaultValue={view.to ?? today} />
          </label>
          <button type="submit" className="button">
            Apply
          </button>
        </form>
      )}
    </div>
  );
}
