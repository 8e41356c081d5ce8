import type { TriggerDryRun } from '@tidemark/core';

/** What a dry run found over the last 7 days: matches, people, and what the caps let through. */
export function TriggerDryRunResult({ result }: { result: TriggerDryRun }) {
  const rows: Array<[string, number]> = [
    ['Matched', result.matched],
    ['People', result.people],
    ['Actions let through', result.allowed],
    ['Held by the frequency cap', result.capped],
    ['Held by the global cap', result.global_capped],
    ['Without marketing consent', result.no_consent],
    ['Moved past quiet hours', result.quiet_hours],
  ];
  return (
    <section aria-label="Dry run">
      <h3>Dry run: last 7 days (nothing was sent)</h3>
      <dl className="kv">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd data-testid={`dry-${k.toLowerCase().replace(/\W+/g, '-')}`}>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
