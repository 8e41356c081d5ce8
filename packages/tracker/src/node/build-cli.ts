import path from 'node:path';
import { buildTracker } from './build';

// `npm run build -w @tidemark/tracker`: writes dist/ and prints the size report.
const built = await buildTracker();
for (const b of built) {
  const over = b.gzipBytes > b.gzipBudget;
  console.log(
    `${path.relative(process.cwd(), b.file)}: ${b.bytes} bytes, gzip -9 ${b.gzipBytes} bytes (budget ${b.gzipBudget}), brotli ${b.brotliBytes} bytes${over ? '  OVER BUDGET' : ''}`,
  );
  if (over) process.exitCode = 1;
}
