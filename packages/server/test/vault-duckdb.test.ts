import { runVaultSuite } from './vault-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// The Data Vault suite on the embedded engine.
runVaultSuite('DuckDB', openLocalDuckDbStore);
