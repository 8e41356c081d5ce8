import { useId, useState, type FormEvent } from 'react';
import type { AnnotationCategory, TimeseriesAnnotation } from '@tidemark/core';
import { annotationsApi } from '../api/annotations';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';

interface Props {
  siteId: string;
  annotations: TimeseriesAnnotation[];
  canEdit: boolean;
  /** After a change: the chart's data is asked for again. */
  onChange: () => void;
}

// Core's values stay out of the bundle (its zod probes for eval, which the dashboard's CSP forbids); the types keep these in step.
const CATEGORY_LABELS: Record<AnnotationCategory, string> = {
  release: 'Release',
  campaign: 'Campaign',
  incident: 'Incident',
  other: 'Other',
};
const CATEGORIES = Object.keys(CATEGORY_LABELS) as AnnotationCategory[];

/** The period's annotations under the main chart: listed, added (a day in the site's time zone) and deleted. */
export function AnnotationsCard({ siteId, annotations, canEdit, onChange }: Props) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [date, setDate] = useState('');
  const [title, setTitle] = useState('');
  const [category, setCategory] = useState<AnnotationCategory>('release');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await annotationsApi.create(siteId, { date, title, category, description: description || undefined });
      setTitle('');
      setDescription('');
      setOpen(false);
      onChange();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (a: TimeseriesAnnotation) => {
    setError(undefined);
    try {
      await annotationsApi.remove(siteId, a.id);
      onChange();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section className="card stack" aria-labelledby={`${id}-title`} data-testid="card-annotations">
      <div className="card-head">
        <h2 id={`${id}-title`}>Annotations</h2>
        {canEdit && (
          <button type="button" className="button small" aria-expanded={open} onClick={() => setOpen(!open)}>
            Add annotation
          </button>
        )}
      </div>
      <ErrorBanner error={error} />
      {open && (
        <form className="stack" aria-label="New annotation" onSubmit={(e) => void submit(e)}>
          <div className="row">
            <Field label="Date" type="date" required value={date} onChange={(e) => setDate(e.target.value)} />
            <Field label="Title" required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
            <div className="field">
              <label htmlFor={`${id}-cat`}>Category</label>
              <select id={`${id}-cat`} value={category} onChange={(e) => setCategory(e.target.value as AnnotationCategory)}>
                {CATEGORIES.map((c) => (
                  <option key={c} value={c}>
                    {CATEGORY_LABELS[c]}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <Field label="Description" maxLength={2000} value={description} onChange={(e) => setDescription(e.target.value)} />
          <div>
            <button type="submit" className="button primary" disabled={busy}>
              Save annotation
            </button>
          </div>
        </form>
      )}
      {annotations.length === 0 ? (
        <p className="muted empty-small">No annotations in this period.</p>
      ) : (
        <ul className="annotation-list">
          {annotations.map((a) => (
            <li key={a.id} data-testid="annotation-item">
              <i className={`swatch marker-${a.category}`} aria-hidden="true" />
              <time dateTime={a.date}>{new Date(a.date).toLocaleDateString()}</time>
              <strong>{a.title}</strong>
              <span className="muted">{CATEGORY_LABELS[a.category]}</span>
              {a.description && <span className="muted">{a.description}</span>}
              {canEdit && (
                <button
                  type="button"
                  className="button small danger"
                  aria-label={`Delete annotation ${a.title}`}
                  onClick={() => void remove(a)}
                >
                  Delete
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
