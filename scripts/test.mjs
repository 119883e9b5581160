// `pnpm test [ava args]`: runs AVA twice — all tests in parallel, then the real-time tests alone
// (ava.realtime.config.mjs) — passing the same arguments (e.g. --tap) to both. Exits non-zero if
// either run fails.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// AVA's package exports do not expose its CLI; the root's node_modules has it (pnpm links it there).
const ava = fileURLToPath(new URL('../node_modules/ava/entrypoints/cli.mjs', import.meta.url));
const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
let status = 0;
for (const config of [[], ['--config', 'ava.realtime.config.mjs']]) {
  const r = spawnSync(process.execPath, [ava, ...config, ...args], { stdio: 'inherit' });
  status ||= r.status ?? 1;
}
process.exit(status);
