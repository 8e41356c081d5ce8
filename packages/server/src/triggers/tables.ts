import type { Kysely } from 'kysely';
import type { MetaStore } from '../meta';

/** The trigger tables of the metadata store (meta migrations 0030, 0031), typed here: only triggers/ reads them. */
export type TriggerTables = {
  triggers: {
    id: string;
    site_id: string;
    name: string;
    enabled: number;
    condition: string;
    delay_minutes: number;
    actions_sealed: string;
    max_frequency: string | null;
    quiet_hours: string | null;
    created_at: number;
    updated_at: number;
  };
  trigger_settings: {
    site_id: string;
    global_cap: string | null;
    /** How far the evaluation has read the site's events (ms); null before the first pass. */
    evaluated_to: number | null;
    updated_at: number;
  };
  trigger_firings: {
    id: string;
    site_id: string;
    trigger_id: string;
    profile_id: string;
    /** trigger id + person + occurrence: one decision per occurrence, whatever re-reads it. */
    occurrence_key: string;
    session_key: string;
    reason: string;
    outcome: string;
    occurred_at: number;
    due_at: number | null;
    quiet_hours: number;
    created_at: number;
  };
  trigger_actions: {
    id: string;
    site_id: string;
    trigger_id: string;
    firing_id: string;
    /** The firing's occurrence key + the action's index: unique, and sent to providers as the idempotency key. */
    idempotency_key: string;
    action_index: number;
    profile_id: string;
    /** JSON: reason and event of the firing (DeliveryContext without the key). */
    context: string;
    status: string;
    attempts: number;
    due_at: number;
    next_at: number;
    /** The claim of the process sending it (a random id), set by the conditional UPDATE that claims it. */
    claim: string | null;
    last_error: string | null;
    created_at: number;
    updated_at: number;
  };
};

export type TriggerDb = Kysely<TriggerTables>;

export const triggerDb = (meta: Pick<MetaStore, 'db'>): TriggerDb => meta.db.withTables<TriggerTables>() as unknown as TriggerDb;

/** Rows of PostgreSQL bigint columns arrive as strings. */
export const num = (v: unknown): number => Number(v ?? 0);
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
