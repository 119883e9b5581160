import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the catalogue lives when no path is given: `$XDG_DATA_HOME/labrx/runs.sqlite`, or
 * `~/.local/share/labrx/runs.sqlite` when XDG_DATA_HOME is unset or empty (the XDG base-directory rule).
 */
export function defaultCataloguePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.length > 0 ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(base, 'labrx', 'runs.sqlite');
}
