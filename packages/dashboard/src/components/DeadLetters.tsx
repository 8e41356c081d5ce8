import type { DeadLetter, Trigger } from '@tidemark/core';

/** Actions that failed every attempt, with retry and discard for members and up. */
export function DeadLetters({
  letters,
  triggers,
  writer,
  onRetry,
  onDiscard,
}: {
  letters: DeadLetter[];
  triggers: Trigger[];
  writer: boolean;
  onRetry: (id: string) => void;
  onDiscard: (id: string) => void;
}) {
  const name = (id: string) => triggers.find((t) => t.id === id)?.name ?? id;
  return (
    <section className="card" aria-label="Dead letters">
      <h2>Dead letters</h2>
      {letters.length === 0 && <p className="muted">No failed actions.</p>}
      <ul className="plain-list">
        {letters.map((d) => (
          <li key={d.id} data-testid="dead-letter">
            <strong>{name(d.trigger_id)}</strong> · {d.action_type} to <code>{d.profile_id}</code> · {d.attempts} attempts ·{' '}
            <span className="muted small">{d.last_error}</span>
            {writer && (
              <>
                {' '}
                <button className="button small" type="button" onClick={() => onRetry(d.id)}>
                  Retry
                </button>
                <button className="button small" type="button" onClick={() => onDiscard(d.id)}>
                  Discard
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
