#!/usr/bin/env node
// `tidemark <command>` (serve, demo, …): runs the built CLI (packages/server/dist, `npm run build`) in this
// very process, so a production server is one plain node process.
import fs from 'node:fs';

const entry = new URL('../dist/tidemark.js', import.meta.url);
if (!fs.existsSync(entry)) {
  console.error(`tidemark: ${entry.pathname} is missing; run \`npm run build\` first`);
  process.exit(1);
}
await import(entry.href);
