import type {
  ActionPerson,
  ActionSpec,
  DeliveryContext,
  DeliveryResult,
  DestinationsApi,
  ListChange,
  ListProvider,
} from '../../src/destinations';

export interface RecordedDelivery {
  kind: 'deliver' | ListProvider;
  key: string;
  ok: boolean;
  action?: ActionSpec;
  person?: ActionPerson;
  change?: ListChange;
  data?: Record<string, unknown>;
}

/**
 * An outgoing provider that records what it was asked to send and answers as told: a stand-in for the
 * HubSpot, Klaviyo and webhook endpoints, not for anything we store. `failNext(kind)` makes the next
 * request of that kind fail as a 503 would.
 */
export class RecordingDestinations implements DestinationsApi {
  readonly sent: RecordedDelivery[] = [];
  private readonly failing = new Map<string, number>();

  failNext(kind: RecordedDelivery['kind'], times = 1): void {
    this.failing.set(kind, times);
  }

  /** Successful deliveries of a kind. */
  delivered(kind: RecordedDelivery['kind']): RecordedDelivery[] {
    return this.sent.filter((s) => s.kind === kind && s.ok);
  }

  async deliver(action: ActionSpec, person: ActionPerson, ctx: DeliveryContext): Promise<DeliveryResult> {
    return this.answer({ kind: 'deliver', key: ctx.idempotency_key, ok: true, action, person, data: ctx.data ?? {} });
  }

  async syncList(_siteId: string, provider: ListProvider, change: ListChange, ctx: DeliveryContext): Promise<DeliveryResult> {
    return this.answer({ kind: provider, key: ctx.idempotency_key, ok: true, change, data: ctx.data ?? {} });
  }

  private answer(r: RecordedDelivery): DeliveryResult {
    const left = this.failing.get(r.kind) ?? 0;
    if (left > 0) {
      this.failing.set(r.kind, left - 1);
      this.sent.push({ ...r, ok: false });
      return { ok: false, retryable: true, status: 503, error: 'HTTP 503 from the provider' };
    }
    this.sent.push(r);
    return { ok: true, status: 200 };
  }
}
