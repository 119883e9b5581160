/**
 * NATS subject names of served boards (docs/decisions/0011-remote-boards.md):
 *
 * - `labrx.<server>.<board>.<op>`: requests to one board (`info`, `asg`, `iq`, `scope.next`,
 *   `scope.stop`, `stream.open`, `stream.credit`, `lease`, `release`, `hb`); the server subscribes to `labrx.<server>.>` and answers every one, an
 *   unknown board or op with an error reply.
 * - `labrx-alive.<server>`: the server's heartbeat, which clients watch to notice a dead server.
 * - `labrx-event.<server>.<board>.<event>`: what the server tells every client of a board (`asg`: a
 *   generator's settings in force after any change).
 */

/** First token of every request subject. */
export const SUBJECT_ROOT = 'labrx';

/** First token of the heartbeat subject (outside `labrx.>` so that a server never hears its own beats). */
export const ALIVE_ROOT = 'labrx-alive';

/** First token of event subjects (outside `labrx.>`, like the heartbeat). */
export const EVENT_ROOT = 'labrx-event';

/** The subject of `event` on `board` of server `server`, e.g. `labrx-event.lab1.board0.asg`. */
export function eventSubject(server: string, board: string, event: string): string {
  return `${EVENT_ROOT}.${server}.${board}.${event}`;
}

/** What a server or board name may be: one NATS subject token of letters, digits, '-' and '_'. */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The subject of `op` on `board` of server `server`, e.g. `labrx.lab1.board0.scope.next`. */
export function boardSubject(server: string, board: string, op: string): string {
  return `${SUBJECT_ROOT}.${server}.${board}.${op}`;
}

/** Every request subject of server `server` (what it subscribes to). */
export function serverWildcard(server: string): string {
  return `${SUBJECT_ROOT}.${server}.>`;
}

/** The subject on which server `server` beats. */
export function aliveSubject(server: string): string {
  return `${ALIVE_ROOT}.${server}`;
}

/** Splits a request subject into board and op, or null when it is not `labrx.<server>.<board>.<op…>`. */
export function parseBoardSubject(subject: string, server: string): { board: string; op: string } | null {
  const prefix = `${SUBJECT_ROOT}.${server}.`;
  if (!subject.startsWith(prefix)) return null;
  const rest = subject.slice(prefix.length);
  const dot = rest.indexOf('.');
  if (dot <= 0 || dot === rest.length - 1) return null;
  return { board: rest.slice(0, dot), op: rest.slice(dot + 1) };
}
