import type { ScoreReason } from '@tidemark/core';

/** What a reason's rule means, for people reading the score. */
export function reasonLabel(rule: string): string {
  if (rule.startsWith('key_page:')) return `Viewed ${rule.slice('key_page:'.length)} pages`;
  // Model mode's features (docs/lead-scoring.md).
  if (rule.startsWith('channel:')) return `First came via ${rule.slice('channel:'.length)}`;
  if (rule.startsWith('device:')) return `Uses ${rule.slice('device:'.length)}`;
  const labels: Record<string, string> = {
    recency: 'Recently active',
    sessions: 'Sessions',
    pageviews: 'Page views',
    goals: 'Goals completed',
    engaged: 'Engaged time',
    returning: 'Returning visitor',
    identified: 'Identified',
    recency_days: 'Days since last visit',
    engaged_minutes: 'Engaged minutes',
    scroll_max: 'Deepest scroll',
    forms: 'Forms submitted',
    form_starts: 'Forms started',
    days_active: 'Days active',
  };
  return labels[rule] ?? rule;
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** A lead score, its reasons in the tooltip. */
export function ScoreBadge({ profile: p }: { profile: { score: number; score_reasons: ScoreReason[] } }) {
  const title = p.score_reasons.map((r) => `${reasonLabel(r.rule)} ${signed(r.points)}`).join(', ');
  return (
    <span data-testid="profile-score" title={title || undefined}>
      {p.score}
    </span>
  );
}

/** The score with its reasons spelled out (profile page). */
export function ScoreReasons({ profile: p }: { profile: { score: number; score_reasons: ScoreReason[] } }) {
  return (
    <section className="card" aria-label="Lead score">
      <h2>
        Lead score <span data-testid="profile-score">{p.score}</span>
        <span className="muted small"> / 100</span>
      </h2>
      {p.score_reasons.length ? (
        <ul data-testid="score-reasons">
          {p.score_reasons.map((r) => (
            <li key={r.rule}>
              {reasonLabel(r.rule)}: {signed(r.points)}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No rule gave points.</p>
      )}
    </section>
  );
}
