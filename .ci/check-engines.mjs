#!/usr/bin/env node
// Fails when a production dependency's `engines.node` excludes the Node floor the project declares
// (package.json `engines.node`): `npm ci` only warns about that, and the package may then break at run time.
// Usage: node .ci/check-engines.mjs [path/to/package-lock.json]
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';

const lockPath = path.resolve(process.argv[2] ?? 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const packages = lock.packages ?? {};
const floorRange = packages['']?.engines?.node;
if (!floorRange) {
  console.error(`check-engines: ${lockPath} declares no engines.node for the project`);
  process.exit(1);
}
const floor = semver.minVersion(floorRange);
const bad = [];
let checked = 0;
for (const [where, pkg] of Object.entries(packages)) {
  // Dev-only packages never run in production; workspace links are checked at their own entry.
  if (where === '' || pkg.dev || pkg.link) continue;
  checked++;
  const range = pkg.engines?.node;
  if (!range) continue;
  if (!semver.satisfies(floor, range, { includePrerelease: true })) {
    bad.push(`  ${where.replace(/^.*node_modules\//, '')}@${pkg.version ?? '(workspace)'} requires node ${range} (${where})`);
  }
}
if (bad.length) {
  console.error(`check-engines: the project declares node ${floorRange}, but ${bad.length} production package(s) exclude node ${floor}:`);
  console.error(bad.join('\n'));
  console.error('Pin a compatible version (package.json "overrides", or an older parent) or raise engines.node deliberately.');
  process.exit(1);
}
console.log(`check-engines: ${checked} production packages all admit node ${floor} (engines.node ${floorRange})`);
