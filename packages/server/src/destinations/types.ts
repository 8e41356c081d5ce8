/**
 * What triggers and audiences hand to outgoing destinations, and what they get back. The implementation
 * (`Destinations` in this module) owns the site's provider connections (HubSpot, Klaviyo: base URL and a
 * sealed token), the HTTP shapes of each provider's public API, HMAC signing, and the outbound guard.
 */

/** A person as an action sees them. */
export interface ActionPerson {
  site_id: string;
  /** The profile id: `u<user id>` for identified people, `v<visitor id>` otherwise. */
  profile_id: string;
  user_id: string | null;
  /** A plain e-mail address when the site keeps one as a trait (never a hashed value). */
  email: string | null;
  /** Latest trait values. */
  traits: Record<string, string | number | boolean | null>;
}

/** One action, opened (any secret in it already unsealed by the module that stores it). */
export type ActionSpec =
  /** POST of a JSON body, signed with HMAC-SHA256 of the body under `secret` when one is set. */
  | { type: 'webhook'; url: string; secret?: string | null }
  /** A mail through the instance's SMTP; `to` 'person' is the person's e-mail. Mustache templates see `person`, `event`, `reason`, `data` (docs/destinations.md). */
  | { type: 'email'; to: 'person' | string; subject: string; body: string }
  /** A Slack incoming-webhook message; `text` is a template like the mail's. */
  | { type: 'slack'; webhook_url: string; text: string }
  /** Create or update the person as a HubSpot contact (by e-mail), with the given trait → property map. */
  | { type: 'hubspot_contact'; properties?: Record<string, string> }
  /** Create or update the person as a Klaviyo profile. */
  | { type: 'klaviyo_profile' }
  /** Record an event on the person's Klaviyo profile. */
  | { type: 'klaviyo_event'; metric: string };

export type ActionType = ActionSpec['type'];

/** Why and what for: templates and payloads carry it; the key makes a repeated delivery harmless. */
export interface DeliveryContext {
  /** Stable for one logical delivery: sent as `Idempotency-Key` / event unique id where a provider takes one. */
  idempotency_key: string;
  /** A short human reason ("trigger 'Pricing visitor' matched: page_view /pricing"). */
  reason: string;
  /** The event that fired it, when there is one. */
  event?: { name: string; ts: number; path?: string | null; props?: Record<string, unknown> } | null;
  /** Extra fields merged into webhook bodies and visible to templates (e.g. trigger or audience id and name). */
  data?: Record<string, unknown>;
}

export type DeliveryResult =
  | { ok: true; status?: number }
  /** `retryable`: a timeout, a refused connection, 429 or 5xx; not for 4xx, refused addresses or missing settings. */
  | {
      ok: false;
      retryable: boolean;
      status?: number;
      error: string;
      /** When the provider said how long to wait (a 429's or 503's `Retry-After`), in ms: a retry should not come sooner. */
      retry_after_ms?: number;
    };

export type ListProvider = 'hubspot' | 'klaviyo';

/** A change of a list's membership to mirror at a provider. */
export interface ListChange {
  /** The provider's list id (HubSpot list id, Klaviyo list id). */
  list_id: string;
  add: ActionPerson[];
  remove: ActionPerson[];
}

export interface DestinationsApi {
  deliver(action: ActionSpec, person: ActionPerson, ctx: DeliveryContext): Promise<DeliveryResult>;
  /** Mirrors membership changes of an audience to a provider's list (people without e-mail are skipped). */
  syncList(siteId: string, provider: ListProvider, change: ListChange, ctx: DeliveryContext): Promise<DeliveryResult>;
}
