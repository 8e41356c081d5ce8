import { useState, type FormEvent } from 'react';
import type { OrgBranding } from '@tidemark/core';
import { api } from '../api/client';
import { useAsync } from '../lib/use-async';
import { useBranding } from '../app/branding';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';

/** The organization's white-label branding (owners and admins). */
export function BrandingForm({ orgId }: { orgId: string }) {
  const url = `/api/orgs/${encodeURIComponent(orgId)}/branding`;
  const current = useAsync(() => api.get<OrgBranding>(url), [url]);
  const { reload } = useBranding();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const b = current.data;
  if (!b) return <ErrorBanner error={current.error} />;

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const str = (k: string) => String(f.get(k) ?? '').trim();
    setError(undefined);
    setSaved(false);
    try {
      await api.put<OrgBranding>(url, {
        product_name: str('product_name'),
        logo_url: str('logo_url'),
        favicon_url: str('favicon_url'),
        primary_color: str('primary_color'),
        theme_default: str('theme_default'),
        email_sender_name: str('email_sender_name'),
        email_footer: str('email_footer'),
      });
      setSaved(true);
      current.reload();
      reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="card" aria-label="Branding" onSubmit={submit}>
      <h2>Branding</h2>
      <Field label="Product name" name="product_name" defaultValue={b.product_name} required maxLength={60} />
      <Field label="Logo URL (https)" name="logo_url" type="url" defaultValue={b.logo_url} />
      <Field label="Favicon URL (https)" name="favicon_url" type="url" defaultValue={b.favicon_url} />
      <Field label="Primary colour" name="primary_color" type="color" defaultValue={b.primary_color} />
      <div className="field">
        <label htmlFor="brand-theme">Default theme</label>
        <select id="brand-theme" name="theme_default" defaultValue={b.theme_default}>
          <option value="system">Follow the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </div>
      <Field label="E-mail sender name" name="email_sender_name" defaultValue={b.email_sender_name} maxLength={80} />
      <div className="field">
        <label htmlFor="brand-footer">E-mail closing text (sign-up, invitations)</label>
        <textarea id="brand-footer" name="email_footer" defaultValue={b.email_footer} maxLength={1000} rows={3} />
      </div>
      <button type="submit" className="button primary">
        Save branding
      </button>
      {saved && (
        <p role="status" className="muted">
          Saved.
        </p>
      )}
      <ErrorBanner error={error} />
    </form>
  );
}
