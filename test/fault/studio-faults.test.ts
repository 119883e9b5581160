import test from 'ava';
import { startStudio, type Studio } from 'labrx';
import { startFaultProxy, type Fault, type FaultProxy } from '../helpers/faultProxy.js';
import { WebSocket, type WsClient } from '../helpers/pageSocket.js';
import { socketHandles } from '../helpers/faultRig.js';

// Fault injection between a studio page and the studio (issue #12): a page whose WebSocket goes
// through test/helpers/faultProxy.ts runs the scope; its traffic is stalled, blackholed, cut,
// truncated or corrupted. Each time the studio drops or closes that page within the stated time
// (a page silent for `pageTimeoutMs` is dropped; a cut or a broken frame closes it at once), stays
// up, gives the scope back (another page's scope runs), and leaves no socket or timer behind.

/** The studio drops a page that has answered no ping and sent nothing for this long (ms). */
const PAGE_TIMEOUT_MS = 1000;
/** A loaded machine's scheduling, not protocol time. */
const SLACK_MS = 2500;

let studio: Studio;
test.before(async () => {
  studio = await startStudio({ target: 'sim://?seed=21', pageTimeoutMs: PAGE_TIMEOUT_MS });
});
test.after.always(async () => {
  await studio?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Page {
  readonly ws: WsClient;
  readonly counts: { frames: number; texts: number; closed: boolean };
  send(m: unknown): void;
}

/** A page on `port` (the studio's, or a proxy's): it acknowledges every scope frame, as the real page does. */
async function page(port: number): Promise<Page> {
  // through a proxy the Host header must still name the studio (it refuses other hosts)
  const Ws = WebSocket as unknown as new (url: string, options: { headers: Record<string, string> }) => WsClient;
  const ws = new Ws(`ws://127.0.0.1:${port}/ws?token=${studio.token}`, { headers: { Host: `127.0.0.1:${studio.port}` } });
  const counts = { frames: 0, texts: 0, closed: false };
  const send = (m: unknown): void => {
    if (!counts.closed) ws.send(JSON.stringify(m));
  };
  ws.on('message', (_data, isBinary) => {
    if (!isBinary) return void counts.texts++;
    counts.frames++;
    send({ type: 'ack', instrument: 'scope' });
  });
  ws.on('close', () => (counts.closed = true));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('close', () => reject(new Error('closed before open')));
  });
  return { ws, counts, send };
}

async function until(what: () => boolean, ms: number): Promise<boolean> {
  for (const end = performance.now() + ms; performance.now() < end; ) {
    if (what()) return true;
    await sleep(5);
  }
  return what();
}

/** Timers and sockets of this process. */
const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/**
 * A page behind a fresh proxy runs the scope; `fault` is injected; the studio must be left with no
 * page of the proxy within `withinMs`, the scope free, another page's scope running, nothing leaked.
 */
async function faultedPage(t: { true: (v: boolean, m?: string) => void; is: (a: unknown, b: unknown, m?: string) => void; deepEqual: (a: unknown, b: unknown, m?: string) => void; log: (...v: unknown[]) => void }, direction: 'up' | 'down' | 'both', fault: Fault, withinMs: number): Promise<void> {
  await until(() => studio.connections === 0 && studio.board.scope.state.state === 'idle', 2000);
  await sleep(50);
  const sockets = socketHandles();
  const timersBefore = timers();
  const proxy: FaultProxy = await startFaultProxy({ host: '127.0.0.1', port: studio.port });
  const victim = await page(proxy.port);
  victim.send({ type: 'run', instrument: 'scope', mode: 'run', settings: { decimation: 64 } });
  t.true(await until(() => victim.counts.frames >= 3, 10_000), 'the page gets scope frames');
  t.true(studio.board.scope.state.holder !== null, 'the page holds the scope');
  const dropped = studio.droppedPages;
  proxy.set(direction, fault);
  const t0 = performance.now();
  const gone = await until(() => studio.connections === 0, withinMs + SLACK_MS);
  const ms = performance.now() - t0;
  t.true(gone, `the studio still has the page ${Math.round(ms)} ms after the fault`);
  t.log(`${fault.kind} ${direction}: page gone from the studio after ${Math.round(ms)} ms (${studio.droppedPages - dropped} dropped for silence)`);
  // the scope was given back: another page runs it
  t.true(await until(() => studio.board.scope.state.state === 'idle', 2000), `scope ${JSON.stringify(studio.board.scope.state)}`);
  const other = await page(studio.port);
  other.send({ type: 'run', instrument: 'scope', mode: 'run', settings: { decimation: 64 } });
  t.true(await until(() => other.counts.frames >= 2, 10_000), 'another page runs the scope');
  other.send({ type: 'run', instrument: 'scope', mode: 'stop' });
  other.ws.close();
  victim.ws.terminate();
  await proxy.close();
  t.true(await until(() => studio.connections === 0 && studio.board.scope.state.state === 'idle', 5000), 'the other page left');
  t.true(await until(() => socketHandles().length === sockets.length && timers() <= timersBefore, 5000), `sockets ${socketHandles().length} (before ${sockets.length}), timers ${timers()} (before ${timersBefore})`);
}

test.serial('server-to-page traffic stalls (pings and frames held): the page is dropped within pageTimeoutMs', (t) => faultedPage(t, 'down', { kind: 'stall' }, PAGE_TIMEOUT_MS));

test.serial('page-to-server traffic goes into a black hole (acknowledgements and pongs lost): the page is dropped within pageTimeoutMs', (t) => faultedPage(t, 'up', { kind: 'drop' }, PAGE_TIMEOUT_MS));

test.serial('the connection is cut: the page is closed at once', (t) => faultedPage(t, 'both', { kind: 'cut' }, 0));

test.serial('frames to the page are cut short mid-frame: the page is closed at once', (t) => faultedPage(t, 'down', { kind: 'truncate', bytes: 3000 }, 0));

test.serial('corrupted bytes from the page (broken WebSocket frames): the studio closes the page', (t) => faultedPage(t, 'up', { kind: 'corrupt', every: 7 }, PAGE_TIMEOUT_MS));

test.serial('corrupted bytes to the page: the page closes, or is dropped for silence', (t) => faultedPage(t, 'down', { kind: 'corrupt', every: 7 }, PAGE_TIMEOUT_MS));

test.serial('after all that the studio serves a page, and pages that do answer pings are kept', async (t) => {
  const p = await page(studio.port);
  p.send({ type: 'run', instrument: 'scope', mode: 'run', settings: { decimation: 64 } });
  await sleep(4 * PAGE_TIMEOUT_MS);
  t.false(p.counts.closed, 'a live page is never dropped for silence');
  t.true(p.counts.frames > 2);
  p.send({ type: 'run', instrument: 'scope', mode: 'stop' });
  p.ws.close();
});
