import test from 'ava';
import { startStudio } from 'labrx';
import { WebSocket } from '../helpers/pageSocket.js';

// Flow control of the studio against a page that lies (issue #12, case 5): a page that acknowledges
// every frame but never reads must not make the server queue frames without bound; a page that
// reads nothing while it keeps asking is dropped, not the server.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens a page connection that counts the binary bytes it reads. */
async function page(port: number, token: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
  const counts = { binaryBytes: 0, frames: 0, texts: 0, closed: false };
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      counts.binaryBytes += data.length;
      counts.frames++;
    } else counts.texts++;
  });
  ws.on('close', () => (counts.closed = true));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve) => ws.on('open', resolve));
  return { ws, counts, send: (m: unknown) => ws.send(JSON.stringify(m)) };
}

test('a page that acknowledges every frame but never reads gets at most about 1 MiB queued, and others are served', async (t) => {
  // full-width frames (8192 pixels: 128 KiB each) make the page's lie as costly as it can be
  const studio = await startStudio({ target: 'sim://?seed=5', session: { fixedWidth: 8192 } });
  t.teardown(() => studio.close());
  const liar = await page(studio.port, studio.token);
  liar.ws._socket.pause(); // reads nothing from now on (acknowledgements still go out)
  liar.send({ type: 'run', instrument: 'scope', mode: 'run', settings: { decimation: 8 } });
  const ack = setInterval(() => liar.send({ type: 'ack', instrument: 'scope' }), 1);
  await sleep(3000);
  clearInterval(ack);
  liar.send({ type: 'run', instrument: 'scope', mode: 'stop' });

  // an honest page is served meanwhile (it shares the board: the scope is the liar's, so it reads state)
  const honest = await page(studio.port, studio.token);
  while (honest.counts.texts < 2) await sleep(5);
  t.is(studio.connections, 2);

  // now the liar reads what the server had queued for it: the socket's 1 MiB bound plus what the
  // kernel's socket buffers held (a few MiB on loopback), not the ~22 MiB/s the frames were made at
  await sleep(200);
  liar.ws._socket.resume();
  let last = -1;
  while (liar.counts.binaryBytes !== last) {
    last = liar.counts.binaryBytes;
    await sleep(300);
  }
  t.log(`the liar was sent ${(liar.counts.binaryBytes / 2 ** 20).toFixed(1)} MiB in ${liar.counts.frames} frames over 3 s`);
  t.true(liar.counts.binaryBytes < 12 * 2 ** 20, `${liar.counts.binaryBytes} bytes were queued for a page that read nothing`);
  t.true(liar.counts.frames > 0);
  t.is(studio.droppedPages, 0, 'it was held back, not dropped');
  liar.ws.close();
  honest.ws.close();
});

test('a page that reads nothing while asking for replies is dropped past maxClientBufferedBytes; the server carries on', async (t) => {
  const studio = await startStudio({ target: 'sim://?seed=6', maxClientBufferedBytes: 256 * 1024 });
  t.teardown(() => studio.close());
  const deaf = await page(studio.port, studio.token);
  deaf.ws._socket.pause();
  // every settings message is answered ('applied', ~300 bytes): 100,000 of them are ~30 MB of replies,
  // more than the kernel's socket buffers (a few MiB on loopback) and the 256 KiB bound together
  for (let i = 0; i < 100_000 && studio.droppedPages === 0 && !deaf.counts.closed; i++) {
    deaf.send({ type: 'settings', instrument: 'scope', settings: { decimation: 2 ** (i % 17) } });
    if (i % 500 === 0) await sleep(1);
  }
  const until = performance.now() + 10_000;
  while (studio.droppedPages === 0 && performance.now() < until) await sleep(10);
  t.is(studio.droppedPages, 1);
  while (studio.connections > 0 && performance.now() < until) await sleep(10);
  t.is(studio.connections, 0);
  const honest = await page(studio.port, studio.token);
  while (honest.counts.texts < 2) await sleep(5);
  t.false(honest.counts.closed);
  honest.ws.close();
});
