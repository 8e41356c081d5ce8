import { useState, type FormEvent } from 'react';
import type { ConsentCategory } from '@tidemark/core';
import { consentApi, type ConsentSettingsView } from '../api/consent';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';
import { Checkbox } from './Checkbox';
import { CopyButton } from './CopyButton';

const OPTIONAL: Array<[ConsentCategory, string]> = [
  ['replay', 'Session recordings'],
  ['heatmaps', 'Heatmaps'],
  ['marketing', 'Marketing'],
];
const MAIN_TEXTS = ['title', 'body', 'accept_all', 'reject_all', 'customize', 'save'] as const;

/** Mode, categories, theme and the banner's texts for one language at a time; shows the snippet the mode needs. */
export function ConsentSettingsForm({ siteId, settings, onSaved }: { siteId: string; settings: ConsentSettingsView; onSaved: () => void }) {
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [lang, setLang] = useState(settings.default_language);
  const texts = settings.texts[lang] ?? {};

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const str = (k: string) => String(f.get(k) ?? '').trim();
    const langTexts: Record<string, string> = {};
    for (const k of MAIN_TEXTS) if (str(`text_${k}`)) langTexts[k] = str(`text_${k}`);
    setError(undefined);
    setSaved(false);
    try {
      await consentApi.update(siteId, {
        mode: str('mode') as ConsentSettingsView['mode'],
        categories: OPTIONAL.filter(([c]) => f.get(`cat_${c}`) === 'on').map(([c]) => c),
        privacy_policy_url: str('privacy_policy_url'),
        theme: { primary: str('primary'), background: str('background'), text: str('text') },
        texts: { ...settings.texts, [lang]: langTexts },
      });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <form className="card" aria-label="Consent settings" onSubmit={submit} key={settings.text_version}>
      <h3>Consent</h3>
      <div className="field">
        <label htmlFor="consent-mode">Consent mode</label>
        <select id="consent-mode" name="mode" defaultValue={settings.mode}>
          <option value="none">None: cookieless, nothing stored in the browser</option>
          <option value="required">Required: nothing is sent until visitors agree</option>
          <option value="optional-upgrade">Optional upgrade: cookieless until visitors agree, then a stored id</option>
        </select>
      </div>
      <fieldset>
        <legend>Categories asked for (analytics always)</legend>
        {OPTIONAL.map(([c, label]) => (
          <Checkbox key={c} name={`cat_${c}`} label={label} defaultChecked={settings.categories.includes(c)} />
        ))}
      </fieldset>
      <Field label="Privacy policy URL" name="privacy_policy_url" type="url" defaultValue={settings.privacy_policy_url} />
      <div className="filters-form">
        <Field label="Button colour" name="primary" type="color" defaultValue={settings.theme.primary} />
        <Field label="Background" name="background" type="color" defaultValue={settings.theme.background} />
        <Field label="Text colour" name="text" type="color" defaultValue={settings.theme.text} />
      </div>
      <fieldset>
        <legend>Banner texts (empty: the English default)</legend>
        <div className="field">
          <label htmlFor="consent-lang">Language</label>
          <input id="consent-lang" value={lang} onChange={(e) => setLang(e.target.value.trim())} maxLength={16} />
        </div>
        {MAIN_TEXTS.map((k) => (
          <Field key={`${lang}-${k}`} label={`Text: ${k.replace('_', ' ')}`} name={`text_${k}`} defaultValue={texts[k] ?? ''} />
        ))}
      </fieldset>
      <button type="submit" className="button primary">
        Save consent settings
      </button>
      {saved && (
        <p role="status" className="muted">
          Saved. Text version {settings.text_version}.
        </p>
      )}
      <ErrorBanner error={error} />
      <h4>Snippet for this mode</h4>
      <div className="snippet">
        <pre data-testid="consent-snippet">{settings.snippet}</pre>
      </div>
      <CopyButton text={settings.snippet} label="Copy snippet" />
      <p className="muted">
        Add a link with <code>data-tidemark-consent</code> (e.g. “Privacy settings”) to let visitors change their choice.
      </p>
    </form>
  );
}
