import { connect, type Socket } from 'node:net';

/** A bare TCP client for protocol tests: sends bytes, collects everything received, reports closing. */
export class RawClient {
  received = Buffer.alloc(0);
  closed = false;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (b: Buffer) => {
      this.received = Buffer.concat([this.received, b]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once `n` bytes arrived (or rejects when the socket closes first or after `ms`). */
  async bytes(n: number, ms = 5000): Promise<Buffer> {
    const deadline = performance.now() + ms;
    while (this.received.length < n) {
      if (this.closed) throw new Error(`closed after ${this.received.length} of ${n} bytes`);
      if (performance.now() > deadline) throw new Error(`timeout after ${this.received.length} of ${n} bytes`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 20);
      });
    }
    const out = this.received.subarray(0, n);
    this.received = this.received.subarray(n);
    return out;
  }

  /** Resolves when the server closed the connection (rejects after `ms`). */
  async closedBy(ms = 5000): Promise<void> {
    const deadline = performance.now() + ms;
    while (!this.closed) {
      if (performance.now() > deadline) throw new Error('still open');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 20);
      });
    }
  }

  write(b: Buffer | number[]): void {
    this.socket.write(Buffer.isBuffer(b) ? b : Buffer.from(b));
  }

  destroy(): void {
    this.socket.destroy();
  }
}
