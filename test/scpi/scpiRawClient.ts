import { createConnection, type Socket } from 'node:net';

/**
 * A bare TCP client for byte-exact SCPI server tests: writes raw bytes and reads replies by exact
 * length or up to CRLF. Reads fail after `timeoutMs` of real time, so a missing reply fails the test
 * instead of hanging it.
 */
export class RawClient {
  private buf = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = createConnection({ host, port });
      s.once('connect', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  /** Bytes received and not read yet. */
  get buffered(): Buffer {
    return this.buf;
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  private async until(ready: () => number, timeoutMs: number): Promise<Buffer> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const n = ready();
      if (n >= 0) {
        const out = this.buf.subarray(0, n);
        this.buf = this.buf.subarray(n);
        return out;
      }
      if (this.closed) throw new Error(`connection closed; have ${JSON.stringify(this.buf.toString('latin1').slice(0, 200))}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no complete reply within ${timeoutMs} ms; have ${JSON.stringify(this.buf.toString('latin1').slice(0, 200))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  /** Reads exactly `n` bytes. */
  readBytes(n: number, timeoutMs = 5000): Promise<Buffer> {
    return this.until(() => (this.buf.length >= n ? n : -1), timeoutMs);
  }

  /** Reads up to and including the next CRLF; returns the text before it (latin1). */
  async readLine(timeoutMs = 5000): Promise<string> {
    const raw = await this.until(() => {
      const i = this.buf.indexOf('\r\n');
      return i >= 0 ? i + 2 : -1;
    }, timeoutMs);
    return raw.subarray(0, raw.length - 2).toString('latin1');
  }

  /** Sends `line` + CRLF and reads one reply line. */
  async query(line: string, timeoutMs = 5000): Promise<string> {
    this.write(`${line}\r\n`);
    return this.readLine(timeoutMs);
  }

  /** Sends `query` and reads its BIN reply: a float32 big-endian block of `n` samples (then CRLF). */
  async readFloatBlock(query: string, n: number): Promise<Float64Array> {
    this.write(`${query}\r\n`);
    const head = `#${String(4 * n).length}${4 * n}`;
    const raw = await this.readBytes(head.length + 4 * n + 2);
    if (raw.subarray(0, head.length).toString() !== head) throw new Error(`bad block header ${raw.subarray(0, 12).toString('latin1')}`);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = raw.readFloatBE(head.length + 4 * i);
    return out;
  }

  /** Reads the error queue until `0,"No error"`; returns the entries. */
  async errors(): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < 40; i++) {
      const e = await this.query('SYST:ERR?');
      if (e.startsWith('0,')) return out;
      out.push(e);
    }
    throw new Error(`error queue did not empty: ${out.join(' | ')}`);
  }

  close(): void {
    this.socket.destroy();
  }
}
