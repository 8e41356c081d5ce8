// `npm run build -w @tidemark/server`: bundles the server (with the workspace packages it imports) into
// packages/server/dist, so production runs plain `node` on JavaScript: no TypeScript loader resident, no
// compile at start. Packages from node_modules stay external (native addons, optional requires) and are
// loaded from node_modules as before.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = path.dirname(serverDir);
const outdir = path.join(serverDir, 'dist');

/** Everything but our own workspace packages and relative paths is left to Node's resolution at run time. */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@tidemark/') || path.isAbsolute(args.path)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/**
 * The other workspace packages find files of their own through import.meta.url (the dashboard's dist/,
 * the tracker's dist/ and browser sources). Bundled, import.meta.url would name the bundle, so in their
 * modules it is rewritten to the module's source file, relative to the bundle: the build keeps working
 * wherever the checkout is moved. The server's own modules keep the bundle's URL (thread-collector.ts
 * finds the thread's bundle beside it; geo.ts resolves node_modules from there).
 */
const sourceRelativeMetaUrl = {
  name: 'source-relative-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const rel = path.relative(packagesDir, args.path).split(path.sep);
      if (rel[0] === 'server' || rel[0].startsWith('..')) return undefined;
      const source = fs.readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const fromBundle = path.relative(outdir, args.path).split(path.sep).join('/');
      return {
        contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`),
        loader: 'ts',
      };
    });
  },
};

fs.rmSync(outdir, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: {
    // The CLI (`tidemark serve|demo|…`), run by bin/tidemark.js.
    tidemark: path.join(serverDir, 'src/cli/main.ts'),
    // The collector thread's entry (ingest/thread): a worker thread loads it by file.
    'worker-main': path.join(serverDir, 'src/ingest/thread/worker-main.ts'),
  },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  plugins: [externalPackages, sourceRelativeMetaUrl],
});
for (const [file, out] of Object.entries(result.metafile.outputs)) {
  if (file.endsWith('.js')) console.log(`${path.relative(process.cwd(), file)}: ${(out.bytes / 1024).toFixed(0)} KiB`);
}
