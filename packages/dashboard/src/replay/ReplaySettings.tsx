import type { Site } from '@tidemark/core';
import { Field } from '../components/Field';
import { Checkbox } from '../components/Checkbox';
import { formLines, LinesArea, SiteSettingsCard } from '../components/SiteSettingsCard';

/** Session replay settings of the site (flat fields of the site; docs/session-replay.md). */
export function ReplaySettings({ site, canEdit, onSaved }: { site: Site; canEdit: boolean; onSaved: () => void }) {
  const patch = (f: FormData) => ({
    replay_enabled: f.get('replay_enabled') === 'on',
    replay_sample_rate: Number(f.get('replay_sample_percent')) / 100,
    replay_requires_consent: f.get('replay_requires_consent') === 'on',
    replay_mask_all_text: f.get('replay_mask_all_text') === 'on',
    replay_mask_selectors: formLines(f.get('replay_mask_selectors')),
    replay_block_selectors: formLines(f.get('replay_block_selectors')),
    replay_excluded_paths: formLines(f.get('replay_excluded_paths')),
    replay_monthly_quota: Number(f.get('replay_monthly_quota')),
  });
  return (
    <SiteSettingsCard
      site={site}
      canEdit={canEdit}
      onSaved={onSaved}
      id="replay-settings"
      title="Session replay"
      intro={
        <p className="muted">
          Inputs, text areas and selects are always masked in the visitor’s browser; mark more with <code>data-tm-mask</code>, hide whole
          elements with <code>data-tm-block</code>.
        </p>
      }
      patch={patch}
      savedText="Replay settings saved."
      submitLabel="Save replay settings"
    >
      <Checkbox label="Record sessions" name="replay_enabled" defaultChecked={!!site.replay_enabled} />
      <Field
        label="Sessions recorded (%)"
        name="replay_sample_percent"
        type="number"
        min={0}
        max={100}
        step="any"
        defaultValue={Math.round((site.replay_sample_rate ?? 1) * 10000) / 100}
      />
      <Checkbox
        label="Only after consent"
        name="replay_requires_consent"
        defaultChecked={site.replay_requires_consent !== false}
        hint="Recording starts when the page calls tidemark.consent({ replay: true })."
      />
      <Checkbox label="Mask all text" name="replay_mask_all_text" defaultChecked={!!site.replay_mask_all_text} />
      <LinesArea
        label="Mask these elements (CSS selectors)"
        name="replay_mask_selectors"
        lines={site.replay_mask_selectors}
        hint="One per line, e.g. .account-name"
      />
      <LinesArea
        label="Block these elements (CSS selectors)"
        name="replay_block_selectors"
        lines={site.replay_block_selectors}
        hint="Replaced by an empty box of the same size."
      />
      <LinesArea
        label="Never record these paths"
        name="replay_excluded_paths"
        lines={site.replay_excluded_paths}
        hint="Patterns like /checkout/* or /account/**, one per line."
      />
      <Field
        label="Recordings per month"
        name="replay_monthly_quota"
        type="number"
        min={0}
        defaultValue={site.replay_monthly_quota ?? 10000}
        hint="0 for no limit."
      />
    </SiteSettingsCard>
  );
}
