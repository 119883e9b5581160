/**
 * Helper process of bench/pyrpl.bench.ts (not a benchmark itself): the simulator behind the simulated
 * monitor_server, as `labrx-sim --protocol pyrpl` will run it, plus a bare TCP echo server (8 bytes in,
 * 12 out: a 1-word read's size) in the same process as the round-trip baseline.
 * Prints "pyrpl://HOST:PORT" and "echo PORT"; stops on SIGINT.
 */
import { createServer } from 'node:net';
import { createSimBoard, parseDutSpec } from '@labrx/hw-sim';
import { startPyrplServer } from '@labrx/pyrpl';

const dut = parseDutSpec(process.argv[2] ?? 'wire');
const board = createSimBoard({ seed: 1, dut });
const server = await startPyrplServer({ board, port: 0 });
const reply = Buffer.alloc(12);
const echo = createServer((s) => {
  s.setNoDelay(true);
  let pending = 0;
  s.on('data', (b: Buffer) => {
    pending += b.length;
    while (pending >= 8) {
      pending -= 8;
      s.write(reply);
    }
  });
  s.on('error', () => s.destroy());
});
await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
console.log(server.url);
console.log(`echo ${(echo.address() as { port: number }).port}`);
process.once('SIGINT', () => {
  echo.close();
  void server.close().then(() => board.close()).then(() => process.exit(0));
});
