import type { Site } from '@tidemark/core';
import { Checkbox } from './Checkbox';
import { formLines, LinesArea, SiteSettingsCard } from './SiteSettingsCard';

/** Traits of people (flat fields of the site; docs/people.md): trait privacy and the allow-list. */
export function PeopleSettings({ site, canEdit, onSaved }: { site: Site; canEdit: boolean; onSaved: () => void }) {
  return (
    <SiteSettingsCard
      site={site}
      canEdit={canEdit}
      onSaved={onSaved}
      id="people-settings"
      title="People"
      intro={<p className="muted">What the site may send about the people it identifies (the traits of identify calls).</p>}
      patch={(f) => ({ trait_privacy: f.get('trait_privacy') === 'on', trait_allowlist: formLines(f.get('trait_allowlist')) })}
      savedText="People settings saved."
      submitLabel="Save people settings"
    >
      <Checkbox
        label="Trait privacy"
        name="trait_privacy"
        defaultChecked={!!site.trait_privacy}
        hint="E-mail addresses and phone numbers are stored as keyed hashes and shown masked."
      />
      <LinesArea
        label="Allowed traits"
        name="trait_allowlist"
        lines={site.trait_allowlist}
        hint="One trait key per line; other traits are dropped when they arrive. Empty keeps every trait."
      />
    </SiteSettingsCard>
  );
}
