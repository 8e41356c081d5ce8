import { fileURLToPath } from 'node:url';

/** Where `npm run build -w @tidemark/dashboard` writes the SPA; the server serves it from here. */
export const dashboardDistDir: string = fileURLToPath(new URL('../dist/', import.meta.url));
