import { runRevenueWebhookSuite } from './revenue-webhook-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// Stripe webhooks, facts and transactions on the embedded store.
runRevenueWebhookSuite('DuckDB', { open: openLocalDuckDbStore });
