import test from 'ava';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startStudio } from 'labrx';

const requireFromLabrx = createRequire(fileURLToPath(new URL('../../packages/labrx/package.json', import.meta.url)));
interface WsClient {
  on(event: 'open' | 'close', cb: () => void): void;
  on(event: 'message', cb: (data: Buffer, isBinary: boolean) => void): void;
  send(text: string): void;
}
const WebSocket = requireFromLabrx('ws') as new (url: string) => WsClient;

// Alone in its file (its own process), so that no other test's sockets or timers are counted.
test('closing the studio, with a page connected and the scope running, leaves no handle', async (t) => {
  const count = () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap' && r !== 'FSReqCallback').length;
  const before = count();
  const studio = await startStudio({ target: 'sim://?seed=5' });
  const ws = new WebSocket(`ws://127.0.0.1:${studio.port}/ws?token=${studio.token}`);
  let binary = 0;
  const closed = new Promise<void>((resolve) => ws.on('close', resolve));
  await new Promise<void>((resolve) => {
    ws.on('message', (_data, isBinary) => {
      if (!isBinary) return;
      // acknowledge as a page does after drawing, so that the next frame comes
      if (++binary === 2) resolve();
      else ws.send(JSON.stringify({ type: 'ack', instrument: 'scope' }));
    });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'run', instrument: 'scope', mode: 'run', settings: { decimation: 8 } })));
  });
  t.is(studio.connections, 1);
  // the studio's Run is one Single after another (docs/decisions/0022): the scope is acquiring
  t.not(studio.board.scope.state.state, 'idle');
  await studio.close();
  await closed;
  t.true(studio.board.isClosed, 'a board the studio opened is closed with it');
  await new Promise((r) => setImmediate(r));
  t.is(count(), before, JSON.stringify(process.getActiveResourcesInfo()));
});
