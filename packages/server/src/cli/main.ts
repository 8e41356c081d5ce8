#!/usr/bin/env node
import { loadConfig, parseRoleFlag } from '../config';
import { startServer } from '../app';
import { demoCommand } from './demo-command';
import { retentionCommand } from './retention-command';
import { ratesCommand } from './rates-command';
import { vaultCommand } from './vault-command';
import { importCommand } from './import-command';
import { exportCommand } from './export-command';
import { orgCommand } from './org-command';

/** `tidemark <command>`: serve (default), demo, retention run, import, migrate … */
async function main(argv: string[]): Promise<void> {
  // Everything the server creates (data files, the engines' WAL and journal files, temporary files) is
  // private to its user; the data directory and files are also chmod-ed explicitly (secrets/data-dir.ts).
  process.umask(0o077);
  const [command = 'serve'] = argv[0]?.startsWith('--') ? ['serve', ...argv] : argv;
  switch (command) {
    case 'serve': {
      // `serve --role=collector|worker|api|jobs|all` (or TIDEMARK_ROLE): one part of a scale-out deployment.
      const role = parseRoleFlag(argv.filter((a) => a !== 'serve'));
      const config = loadConfig(process.env, role ? { role } : {});
      const server = await startServer(config, { logger: true });
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`${signal}: flushing and closing`);
        server.stop().then(
          () => process.exit(0),
          (err) => {
            console.error(err);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      process.on('SIGINT', () => shutdown('SIGINT'));
      // Announced only once the signal handlers are in place, so a SIGTERM right after it still flushes.
      console.log(`Tidemark (${config.role}) listening on ${config.publicUrl ?? server.url}`);
      return;
    }
    case 'demo':
      await demoCommand(argv.slice(1));
      return process.exit(0);
    case 'retention':
      await retentionCommand(argv.slice(1));
      return process.exit(0);
    case 'rates':
      await ratesCommand(argv.slice(1));
      return process.exit(0);
    case 'vault':
      await vaultCommand(argv.slice(1));
      return process.exit(0);
    case 'import':
      await importCommand(argv.slice(1));
      return process.exit(0);
    case 'export':
      await exportCommand(argv.slice(1));
      return process.exit(0);
    case 'org':
      await orgCommand(argv.slice(1));
      return process.exit(0);
    default:
      console.error(`Unknown command: ${command}`);
      process.exit(2);
  }
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
