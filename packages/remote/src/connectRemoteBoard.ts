import { SettingsError } from '@labrx/core';
import { Board } from '@labrx/instruments';
import { connectNats, natsAuthFromEnv, parseNatsUrl, type NatsAuth } from './natsOptions.js';
import { RemoteBoardDriver, type RemoteBoardOptions } from './RemoteBoardDriver.js';
import { NAME_PATTERN } from './subjects.js';

/** Options of `connectRemoteBoard` besides the URL. */
export interface ConnectRemoteOptions extends Partial<Pick<RemoteBoardOptions, 'requestTimeoutMs' | 'lostAfterMs' | 'identity'>> {
  /** Credentials and TLS (default: the URL's, then `LABRX_NATS_*` from the environment). */
  readonly auth?: NatsAuth;
}

/**
 * Opens a board served on NATS (`labrx serve`): `nats://[token@]host:4222/<server>/<board>`.
 * Returns the same `Board` as every driver; sharing and leases are the server's
 * (docs/decisions/0011-remote-boards.md). `board.close()` closes the NATS connection it opened.
 *
 * @example
 * const rp = await connectRemoteBoard('nats://127.0.0.1:4222/lab1/board0');
 * const trace = await rp.scope.single({ decimation: 64 });
 * await rp.close();
 */
export async function connectRemoteBoard(url: string, options: ConnectRemoteOptions = {}): Promise<Board> {
  const parsed = parseNatsUrl(url, 'target');
  const [server, board] = parsed.path;
  if (parsed.path.length !== 2 || !NAME_PATTERN.test(server!) || !NAME_PATTERN.test(board!)) {
    throw new SettingsError('connect', 'target', url, 'nats://host:port/<server>/<board>, e.g. nats://127.0.0.1:4222/lab1/board0');
  }
  const auth = { ...natsAuthFromEnv(), ...parsed.auth, ...options.auth };
  const nc = await connectNats(parsed.server, auth, `labrx client of ${server}/${board}`);
  try {
    const driver = await RemoteBoardDriver.open({
      nats: nc,
      server: server!,
      board: board!,
      ownsConnection: true,
      id: `nats://${parsed.host}/${server}/${board}`,
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      ...(options.lostAfterMs !== undefined ? { lostAfterMs: options.lostAfterMs } : {}),
      ...(options.identity ? { identity: options.identity } : {}),
    });
    return new Board(driver);
  } catch (error) {
    await nc.close();
    throw error;
  }
}
