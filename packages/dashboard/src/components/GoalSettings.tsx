import { useState } from 'react';
import { goalsApi } from '../api/goals';
import { useAsync } from '../lib/use-async';
import { describeGoal, draftOf, GOAL_TYPE_LABELS, inputOf } from '../lib/goal-form';
import { ErrorBanner } from './ErrorBanner';
import { GoalEditor } from './GoalEditor';

/** The site's goals in settings: list, create, edit, delete (members and up; viewers only read). */
export function GoalSettings({ siteId, canEdit }: { siteId: string; canEdit: boolean }) {
  const goals = useAsync((signal) => goalsApi.list(siteId, signal), [siteId]);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();

  const remove = async (id: string) => {
    setError(undefined);
    try {
      await goalsApi.remove(siteId, id);
      goals.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section className="card stack" id="goals" aria-labelledby="goals-title">
      <h2 id="goals-title">Goals</h2>
      <p className="muted">A conversion is a visit that completed the goal. Goals count past visits too.</p>
      <ErrorBanner error={goals.error ?? error} />
      {goals.data && goals.data.length === 0 && <p className="muted">No goals yet.</p>}
      <ul className="stack goal-list">
        {(goals.data ?? []).map((g) => (
          <li key={g.id} data-testid="goal-item">
            {editing === g.id ? (
              <GoalEditor
                siteId={siteId}
                initial={draftOf(g)}
                onCancel={() => setEditing(null)}
                onSave={async (d) => {
                  await goalsApi.update(siteId, g.id, inputOf(d));
                  setEditing(null);
                  goals.reload();
                }}
              />
            ) : (
              <div className="row">
                <strong>{g.name}</strong>
                <span className="muted">
                  {GOAL_TYPE_LABELS[g.type]} · {describeGoal(g)}
                  {g.value !== null ? ` · value ${g.value}` : ''}
                </span>
                {canEdit && (
                  <>
                    <button type="button" className="button small" onClick={() => setEditing(g.id)} aria-label={`Edit ${g.name}`}>
                      Edit
                    </button>
                    <button type="button" className="button small danger" onClick={() => void remove(g.id)} aria-label={`Delete ${g.name}`}>
                      Delete
                    </button>
                  </>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
      {canEdit && (
        <>
          <h3>New goal</h3>
          <GoalEditor
            siteId={siteId}
            onSave={async (d) => {
              await goalsApi.create(siteId, inputOf(d));
              goals.reload();
            }}
          />
        </>
      )}
    </section>
  );
}
