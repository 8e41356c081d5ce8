import { dimensionLabel } from '../lib/dimensions';
import { withoutFilter, type ViewState } from '../lib/view-state';
import { DimensionValue } from './DimensionValue';

/** The active filters as removable chips. Values are tracked data, so they render as text only. */
export function FilterBar({ view, onChange }: { view: ViewState; onChange: (v: ViewState) => void }) {
  if (!view.filters.length) return null;
  return (
    // biome-ignore lint/a11y/useSemanticElements: a list of removable chips, not form fields
    <div className="filter-bar" aria-label="Active filters" role="group">
      {view.filters.map((f) => (
        <span className="chip" key={`${f.op}:${f.dimension}`} data-testid="filter-chip">
          <span className="chip-dim">{dimensionLabel(f.dimension)}</span> {f.op === 'is_not' ? 'is not' : 'is'}{' '}
          <strong>
            {f.values.map((v, i) => (
              <span key={v}>
                {i > 0 && ', '}
                <DimensionValue dimension={f.dimension} value={v} />
              </span>
            ))}
          </strong>
          <button
            type="button"
            className="chip-remove"
            aria-label={`Remove filter ${dimensionLabel(f.dimension)}`}
            onClick={() => onChange(withoutFilter(view, f.dimension))}
          >
            ×
          </button>
        </span>
      ))}
      {view.filters.length > 1 && (
        <button type="button" className="link-button" onClick={() => onChange({ ...view, filters: [] })}>
          Clear all
        </button>
      )}
    </div>
  );
}
