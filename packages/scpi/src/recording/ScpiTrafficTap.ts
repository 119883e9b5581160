/**
 * Sees an SCPI transport's traffic as it happens: every line handed to the socket (without its
 * CRLF) and every chunk of bytes received. `ScpiRecorder` is one; the transport calls it synchronously.
 */
export interface ScpiTrafficTap {
  /** A line written to the socket (CRLF not included). */
  sent(line: string): void;
  /** Bytes read from the socket, as they came. */
  received(chunk: Buffer): void;
}
