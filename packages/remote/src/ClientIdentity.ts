import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';

/** Who a remote client is: shown to other clients as a lease holder ('scope of ada@lab-pc (pid 4242)'). */
export interface ClientIdentity {
  /** Unique per client (per `connect`): the server's key for its streams and heartbeats. */
  readonly id: string;
  /** User name on the client's host. */
  readonly user: string;
  /** The client's host name. */
  readonly host: string;
  /** The client's process id. */
  readonly pid: number;
}

/** This process's identity, with a fresh id. */
export function localIdentity(): ClientIdentity {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep 'unknown'
  }
  return { id: randomUUID(), user, host: hostname(), pid: process.pid };
}

/** How a lease holder of client `who` reads in `ResourceBusyError`: 'scope of ada@lab-pc (pid 4242)'. */
export function holderName(owner: string, who: ClientIdentity): string {
  return `${owner} of ${who.user}@${who.host} (pid ${who.pid})`;
}

/** Checks a client identity that came from the network; returns it or a reason it is not one. */
export function checkIdentity(value: unknown): ClientIdentity | string {
  if (typeof value !== 'object' || value === null) return 'client must be an object { id, user, host, pid }';
  const v = value as Record<string, unknown>;
  for (const k of ['id', 'user', 'host'] as const) {
    if (typeof v[k] !== 'string' || (v[k]).length === 0 || (v[k]).length > 256) return `client.${k} must be a string of 1 to 256 characters`;
  }
  if (!Number.isInteger(v['pid'])) return 'client.pid must be an integer';
  return { id: v['id'] as string, user: v['user'] as string, host: v['host'] as string, pid: v['pid'] as number };
}
