import type { ImportedMarker as Marker } from '@tidemark/core';
import type { ViewState } from '../lib/view-state';

/** Says when the numbers include imported data (or why they do not), with the switch to leave it out. */
export function ImportedMarker({
  marker,
  view,
  onChange,
}: {
  marker: Marker | undefined;
  view: ViewState;
  onChange: (v: ViewState) => void;
}) {
  if (!marker?.available) return null;
  if (marker.included)
    return (
      <p className="banner imported-marker" role="note" data-imported="included">
        Includes imported data ({marker.days} {marker.days === 1 ? 'day' : 'days'} without data of this site).{' '}
        <button type="button" className="link-button" onClick={() => onChange({ ...view, imported: false })}>
          Exclude imported data
        </button>
      </p>
    );
  if (marker.reason === 'excluded')
    return (
      <p className="banner imported-marker" role="note" data-imported="excluded">
        Imported data is left out.{' '}
        <button type="button" className="link-button" onClick={() => onChange({ ...view, imported: true })}>
          Include imported data
        </button>
      </p>
    );
  if (marker.reason !== 'filters') return null;
  return (
    <p className="banner imported-marker" role="note" data-imported="filtered">
      Imported data is not shown with filters.
    </p>
  );
}
