import { describe } from 'vitest';
import { runVaultSuite } from './vault-suite';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// The Data Vault suite on ClickHouse 18.16 (the scale-out server): insert-only end-dating, FINAL reads, views.
const status = await clickhouseAvailable('vault-clickhouse');
if (status.ok) runVaultSuite('ClickHouse', () => openTempClickHouseStore('tidemark_vault'));
else describe.skip(`Data Vault on ClickHouse (${status.reason})`, () => {});
