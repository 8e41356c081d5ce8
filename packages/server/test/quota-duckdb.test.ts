import { runQuotaSuite } from './quota-suite';

// Monthly event quotas with the embedded engine (DuckDB file).
runQuotaSuite({ label: 'DuckDB', overrides: () => ({}) });
