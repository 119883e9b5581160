import { firstValueFrom, timer, asyncScheduler, type SchedulerLike } from 'rxjs';
import { SettingsError } from '@labrx/core';
import { connectNats, natsAuthFromEnv, parseNatsUrl, type NatsAuth } from './natsOptions.js';
import { ALIVE_ROOT, NAME_PATTERN } from './subjects.js';
import { decodeFrame } from './wireFrames.js';

/** Options of `discoverBoards`. */
export interface DiscoverOptions {
  /** How long to listen for board servers' heartbeats, ms (default 1500: every server beats at least once a second by default). */
  readonly listenMs?: number;
  /** Credentials (default: the URL's, then `LABRX_NATS_*`). */
  readonly auth?: NatsAuth;
  /** Clock of `listenMs` (default: wall clock). */
  readonly scheduler?: SchedulerLike;
}

/** A glob over one name: `*` matches any run of characters, everything else itself. */
function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\-]/g, '\\$&')).join('[A-Za-z0-9_-]*')}$`);
}

/**
 * Lists the boards served on a NATS server whose names match a pattern:
 * `nats://host:4222/<server glob>/<board glob>` (`*` matches any run of characters, e.g.
 * `nats://10.0.0.5:4222/lab*\/*`). Listens to the servers' heartbeats for `listenMs`, so only live
 * servers are found. Returns one `nats://…/<server>/<board>` URL per board (credentials of the
 * pattern kept), sorted, for `connect` or `connectMany`.
 *
 * @example
 * const fleet = await connectMany(await discoverBoards('nats://127.0.0.1:4222/lab*\/*'));
 */
export async function discoverBoards(pattern: string, options: DiscoverOptions = {}): Promise<string[]> {
  const parsed = parseNatsUrl(pattern, 'pattern');
  const [serverGlob, boardGlob = '*'] = parsed.path;
  const globOk = (g: string | undefined) => g !== undefined && NAME_PATTERN.test(g.replaceAll('*', 'x'));
  if (parsed.path.length < 1 || parsed.path.length > 2 || !globOk(serverGlob) || !globOk(boardGlob)) {
    throw new SettingsError('discoverBoards', 'pattern', pattern, "nats://host:port/<server>/<board> where names may contain '*', e.g. nats://127.0.0.1:4222/lab*/*");
  }
  const serverRe = globToRegExp(serverGlob!);
  const boardRe = globToRegExp(boardGlob);
  const nc = await connectNats(parsed.server, { ...natsAuthFromEnv(), ...parsed.auth, ...options.auth }, 'labrx discoverBoards');
  const found = new Set<string>();
  const userinfo = new URL(pattern).username ? `${new URL(pattern).username}${new URL(pattern).password ? `:${new URL(pattern).password}` : ''}@` : '';
  const origin = `nats://${userinfo}${new URL(parsed.server).host}`;
  try {
    const sub = nc.subscribe(`${ALIVE_ROOT}.*`, {
      callback: (err, msg) => {
        if (err) return;
        const server = msg.subject.slice(ALIVE_ROOT.length + 1);
        if (!serverRe.test(server)) return;
        try {
          const frame = decodeFrame(msg.data);
          const boards = frame.kind === 'ok' ? (frame.value as { boards?: unknown }).boards : undefined;
          if (!Array.isArray(boards)) return;
          for (const b of boards) if (typeof b === 'string' && NAME_PATTERN.test(b) && boardRe.test(b)) found.add(`${origin}/${server}/${b}`);
        } catch {
          // not a board server's beat: ignore
        }
      },
    });
    await firstValueFrom(timer(options.listenMs ?? 1500, options.scheduler ?? asyncScheduler));
    sub.unsubscribe();
  } finally {
    await nc.close();
  }
  return [...found].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}
