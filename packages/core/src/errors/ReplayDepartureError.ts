import { LabrxError } from './LabrxError.js';

/**
 * A client replayed against a recording sent something other than what was recorded: names the
 * exchange (1-based, in the order the requests were sent), the request expected and the one
 * received — an SCPI line, or a register request described ('read 1 word at 0x40100000').
 */
export class ReplayDepartureError extends LabrxError {
  constructor(
    /** The recording served. */
    readonly recording: string,
    /** 1-based number of the exchange where the client departed. */
    readonly exchange: number,
    /** The recorded request (null when the recording had ended). */
    readonly expected: string | null,
    /** The request the client sent. */
    readonly received: string,
  ) {
    super(
      expected === null
        ? `${recording}: exchange ${exchange}: the recording ended after ${exchange - 1} exchanges, but the client sent ${JSON.stringify(shorten(received))}`
        : `${recording}: exchange ${exchange}: expected ${JSON.stringify(shorten(expected))}, the client sent ${JSON.stringify(shorten(received))}${firstDifference(expected, received)}`,
    );
  }
}

function shorten(line: string): string {
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return ` (they differ from character ${i + 1})`;
}
