import { useState, type FormEvent, type ReactNode } from 'react';
import type { Site } from '@tidemark/core';
import { sitesApi, type SiteInput } from '../api/sites';
import { ErrorBanner } from './ErrorBanner';
import { TextArea } from './TextArea';

/** A text area's lines, trimmed, without the empty ones. */
export const formLines = (v: FormDataEntryValue | null) =>
  String(v ?? '')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

/** A list setting edited one item per line (read back with `formLines`). */
export function LinesArea({
  label,
  name,
  lines,
  hint,
}: {
  label: string;
  name: string;
  lines: readonly string[] | undefined;
  hint?: string;
}) {
  return <TextArea label={label} name={name} defaultValue={(lines ?? []).join('\n')} hint={hint} />;
}

interface Props {
  site: Site;
  canEdit: boolean;
  onSaved: () => void;
  /** The form's id: its heading is `<id>-title`. */
  id: string;
  title: string;
  /** What the card is about, under the heading. */
  intro: ReactNode;
  /** The flat site fields the card saves, from the form's data. */
  patch: (form: FormData) => SiteInput;
  savedText: string;
  submitLabel: string;
  /** The fields (disabled for those who may not edit). */
  children: ReactNode;
}

/** A card of site settings saved with PATCH /api/sites/{id}: its fields, a save button, the result. */
export function SiteSettingsCard({ site, canEdit, onSaved, id, title, intro, patch, savedText, submitLabel, children }: Props) {
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const input = patch(new FormData(e.currentTarget));
    setError(undefined);
    setSaved(false);
    try {
      await sitesApi.update(site.id, input);
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="card stack" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)}>
      <h2 id={`${id}-title`}>{title}</h2>
      {intro}
      <fieldset disabled={!canEdit} className="stack">
        {children}
      </fieldset>
      <ErrorBanner error={error} />
      {saved && (
        <p role="status" className="banner banner-ok">
          {savedText}
        </p>
      )}
      {canEdit && (
        <div className="row">
          <button type="submit" className="button primary">
            {submitLabel}
          </button>
        </div>
      )}
    </form>
  );
}
