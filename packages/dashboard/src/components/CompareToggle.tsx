import type { ViewState } from '../lib/view-state';

export function CompareToggle({ view, onChange }: { view: ViewState; onChange: (v: ViewState) => void }) {
  return (
    <label className="toggle">
      <input type="checkbox" checked={view.compare} onChange={(e) => onChange({ ...view, compare: e.target.checked })} />
      <span>Compare with previous period</span>
    </label>
  );
}
