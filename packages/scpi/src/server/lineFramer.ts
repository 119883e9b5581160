/** Longest accepted input line in bytes, CRLF excluded: 512 KiB, as on the Red Pitaya server. */
export const MAX_LINE_BYTES = 512 * 1024;

/** What a line framer reports. */
export interface LineFramerEvents {
  /** A complete line (without its CRLF). Bare LFs inside it are kept: they separate messages. */
  line(line: Buffer): void;
  /** A line grew past the limit; its bytes up to the next CRLF are discarded. */
  overflow(): void;
}

/** Cuts a TCP byte stream into lines. */
export interface LineFramer {
  /** Feeds received bytes; calls `line` for every complete line, in order. */
  push(chunk: Buffer): void;
  /** Bytes held while waiting for a CRLF (for tests and memory accounting). */
  readonly pendingBytes: number;
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * Creates a framer that cuts input **only at CRLF**, as the Red Pitaya server does: a command ended by
 * a bare LF waits until a later CRLF arrives. A line longer than `maxLineBytes` is reported once through
 * `overflow` and dropped up to its CRLF, so memory stays bounded whatever a client sends.
 *
 * Received chunks are kept in a list and joined once per line, so a long line that trickles in
 * byte by byte still costs time proportional to its length.
 *
 * @example
 * const f = createLineFramer({ line: (b) => run(b.toString('latin1')), overflow: () => push(-363) });
 * socket.on('data', (chunk) => f.push(chunk));
 */
export function createLineFramer(events: LineFramerEvents, maxLineBytes = MAX_LINE_BYTES): LineFramer {
  let parts: Buffer[] = [];
  let held = 0; // bytes in `parts`
  let discarding = false;
  let endsWithCr = false; // last byte held (or discarded) was CR

  function emit(tail: Buffer): void {
    if (discarding) {
      discarding = false;
    } else {
      const line = parts.length === 0 ? tail : Buffer.concat([...parts, tail]);
      events.line(line);
    }
    parts = [];
    held = 0;
  }

  function push(chunk: Buffer): void {
    let start = 0;
    // A CRLF split across chunks: the CR ended the previous one.
    if (endsWithCr && chunk.length > 0 && chunk[0] === LF) {
      const line = parts.length === 0 ? Buffer.alloc(0) : Buffer.concat(parts);
      parts = [];
      held = 0;
      // Drop the CR that belongs to the terminator.
      const body = line.subarray(0, Math.max(0, line.length - 1));
      if (discarding) discarding = false;
      else events.line(body);
      start = 1;
    }
    for (;;) {
      const crlf = chunk.indexOf('\r\n', start, 'latin1');
      if (crlf < 0) break;
      emit(chunk.subarray(start, crlf));
      start = crlf + 2;
    }
    const rest = chunk.subarray(start);
    endsWithCr = rest.length > 0 ? rest[rest.length - 1] === CR : endsWithCr && start === 0 && chunk.length === 0;
    if (rest.length === 0) return;
    if (discarding) return;
    // A trailing CR may be half of the terminator: it does not count towards the line's length.
    const lineBytes = held + rest.length - (endsWithCr ? 1 : 0);
    if (lineBytes > maxLineBytes) {
      discarding = true;
      parts = [];
      held = 0;
      events.overflow();
      // Keep the trailing CR so that a CRLF split across chunks still ends the discarded line.
      if (endsWithCr) {
        parts = [Buffer.from([CR])];
        held = 1;
      }
      return;
    }
    // Copy: a small remainder must not pin a large received chunk in memory.
    parts.push(Buffer.from(rest));
    held += rest.length;
  }

  return {
    push,
    get pendingBytes() {
      return held;
    },
  };
}
