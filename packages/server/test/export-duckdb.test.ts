import { runExportSuite } from './export-suite';
import { openLocalDuckDbStore } from './helpers/stats';

// The site export and alert values on the embedded engine.
runExportSuite('DuckDB', openLocalDuckDbStore);
