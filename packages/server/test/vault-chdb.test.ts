import { describe } from 'vitest';
import { runVaultSuite } from './vault-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';

// The Data Vault suite on a current ClickHouse release in-process (chdb), whose analyzer is stricter than 18.16's.
const status = loadChdb('vault-chdb');
if (status.ok) runVaultSuite('ClickHouse, current release (chdb)', () => openChdbStore(status.chdb));
else describe.skip(`Data Vault on a current ClickHouse (${status.reason})`, () => {});
