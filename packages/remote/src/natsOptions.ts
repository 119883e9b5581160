import { readFileSync } from 'node:fs';
import { ConnectionLostError, SettingsError } from '@labrx/core';
import { connect as natsConnect, type ConnectionOptions, type NatsConnection } from 'nats';

/** How to reach and log in to a NATS server (command-line flags, URL and environment merged). */
export interface NatsAuth {
  /** Token authentication (`LABRX_NATS_TOKEN`). */
  readonly token?: string;
  /** User name (`LABRX_NATS_USER`), with `password`. */
  readonly user?: string;
  /** Password (`LABRX_NATS_PASSWORD`). */
  readonly password?: string;
  /** PEM file of the CA that signed the server's certificate: connect with TLS (`LABRX_NATS_CA`). */
  readonly tlsCaFile?: string;
  /** Client certificate and key files for mutual TLS (`LABRX_NATS_CERT`, `LABRX_NATS_KEY`). */
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
  /** Require TLS even without a CA file (system CAs) (`LABRX_NATS_TLS=1`). */
  readonly tls?: boolean;
}

/** Reads `NatsAuth` from environment variables `LABRX_NATS_*` (see `NatsAuth`). */
export function natsAuthFromEnv(env: NodeJS.ProcessEnv = process.env): NatsAuth {
  const out: { -readonly [K in keyof NatsAuth]: NatsAuth[K] } = {};
  if (env['LABRX_NATS_TOKEN']) out.token = env['LABRX_NATS_TOKEN'];
  if (env['LABRX_NATS_USER']) out.user = env['LABRX_NATS_USER'];
  if (env['LABRX_NATS_PASSWORD']) out.password = env['LABRX_NATS_PASSWORD'];
  if (env['LABRX_NATS_CA']) out.tlsCaFile = env['LABRX_NATS_CA'];
  if (env['LABRX_NATS_CERT']) out.tlsCertFile = env['LABRX_NATS_CERT'];
  if (env['LABRX_NATS_KEY']) out.tlsKeyFile = env['LABRX_NATS_KEY'];
  if (env['LABRX_NATS_TLS'] === '1' || env['LABRX_NATS_TLS'] === 'true') out.tls = true;
  return out;
}

/** True when `auth` gives credentials (token, or user with password). */
export function hasCredentials(auth: NatsAuth): boolean {
  return Boolean(auth.token) || (Boolean(auth.user) && auth.password !== undefined);
}

/** True when `host` is a loopback address or 'localhost'. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

/** A `nats://` (or `tls://`) address split into the server URL for the client, credentials and path. */
export interface ParsedNatsUrl {
  /** 'nats://host:port' without credentials or path. */
  readonly server: string;
  readonly host: string;
  /** Path segments after the host ('lab1', 'board0'). */
  readonly path: readonly string[];
  /** Credentials written in the URL (`nats://token@host`, `nats://user:pass@host`). */
  readonly auth: NatsAuth;
}

/** Parses `nats://[user[:password]@]host[:port][/server[/board]]`; throws `SettingsError` otherwise. */
export function parseNatsUrl(url: string, setting = 'nats'): ParsedNatsUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SettingsError('connect', setting, url, 'a URL nats://[user[:password]@]host[:port][/server/board]');
  }
  if (u.protocol !== 'nats:' && u.protocol !== 'tls:') throw new SettingsError('connect', setting, url, 'a URL starting with nats:// or tls://');
  if (!u.hostname) throw new SettingsError('connect', setting, url, 'a URL with a host, nats://host:4222');
  const auth: { -readonly [K in keyof NatsAuth]: NatsAuth[K] } = {};
  if (u.username && u.password) {
    auth.user = decodeURIComponent(u.username);
    auth.password = decodeURIComponent(u.password);
  } else if (u.username) {
    auth.token = decodeURIComponent(u.username);
  }
  if (u.protocol === 'tls:') auth.tls = true;
  const path = u.pathname.split('/').filter((p) => p.length > 0).map(decodeURIComponent);
  return { server: `nats://${u.host}`, host: u.hostname, path, auth };
}

/**
 * Connection options for the `nats` client: credentials and TLS from `auth`, reconnecting forever
 * (every 250 ms; a NATS restart is survived) and pinging every 2 s so that a dead link is noticed.
 */
export function natsConnectionOptions(server: string, auth: NatsAuth, name: string): ConnectionOptions {
  const tls =
    auth.tls || auth.tlsCaFile || auth.tlsCertFile
      ? {
          ...(auth.tlsCaFile ? { ca: readFileSync(auth.tlsCaFile, 'utf8') } : {}),
          ...(auth.tlsCertFile ? { cert: readFileSync(auth.tlsCertFile, 'utf8') } : {}),
          ...(auth.tlsKeyFile ? { key: readFileSync(auth.tlsKeyFile, 'utf8') } : {}),
        }
      : undefined;
  return {
    servers: server,
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    pingInterval: 2000,
    maxPingOut: 2,
    ...(auth.token ? { token: auth.token } : {}),
    ...(auth.user ? { user: auth.user, pass: auth.password ?? '' } : {}),
    ...(tls ? { tls } : {}),
  };
}

/**
 * Opens a NATS connection to `server` ('nats://host:4222', credentials allowed in the URL) with
 * `natsConnectionOptions`; `ConnectionLostError` when it cannot.
 */
export async function connectNats(server: string, auth: NatsAuth = {}, name = 'labrx'): Promise<NatsConnection> {
  const parsed = parseNatsUrl(server, 'nats');
  const merged = { ...parsed.auth, ...auth };
  try {
    return await natsConnect(natsConnectionOptions(parsed.server, merged, name));
  } catch (error) {
    throw new ConnectionLostError(parsed.server, `cannot connect to NATS: ${(error as Error).message}`, { cause: error });
  }
}
