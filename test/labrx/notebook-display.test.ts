import test from 'ava';
import { Subject, take } from 'rxjs';
import { VirtualClock } from '@labrx/core/testing';
import { connect, DataFileError, lowpass, NotebookError, show, showLive, type NotebookDisplay, type SavableResult, type Trace } from 'labrx';

/** A display that keeps what it was given, as tslab's would send it to the notebook. */
class RecordingDisplay implements NotebookDisplay {
  readonly svgs: string[] = [];
  readonly texts: string[] = [];
  svg(svg: string): void {
    this.svgs.push(svg);
  }
  text(text: string): void {
    this.texts.push(text);
  }
}

/** Three traces of a 20 kHz tone through a 20 kHz low-pass, in virtual time. */
async function traces(n = 3): Promise<Trace[]> {
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 3, scheduler: clock, dut: lowpass({ cutoff: 20e3, order: 1 }) } });
  try {
    await clock.run(rp.asg0.set({ frequency: 20e3, amplitude: 0.5, output: 'out1' }));
    const out: Trace[] = [];
    for (let i = 0; i < n; i++) out.push(await clock.run(rp.scope.single({ decimation: 8, trigger: 'ch2-rising', threshold: 0 })));
    return out;
  } finally {
    await rp.close();
  }
}

test('show draws a trace as one SVG plot with its axes and units in the display given', async (t) => {
  const [trace] = await traces(1);
  const display = new RecordingDisplay();
  await show(trace!, { display, title: 'low-pass at its cutoff' });
  t.is(display.svgs.length, 1);
  const svg = display.svgs[0]!;
  t.regex(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  t.true(svg.includes('>low-pass at its cutoff<'));
  // 16384 samples × 8 × 8 ns = 1.05 ms: microseconds on the time axis, volts on the other
  t.true(svg.includes('>time since trigger (µs)<'));
  t.true(svg.includes('>V<'));
  t.true(svg.includes('>ch1<') && svg.includes('>ch2<'));
});

test('show refuses what is not a result, and draws nothing', async (t) => {
  const display = new RecordingDisplay();
  await t.throwsAsync(show({ ch1: [1, 2, 3] } as unknown as SavableResult, { display }), { instanceOf: DataFileError });
  t.deepEqual(display.svgs, []);
});

test('show outside a notebook kernel, with no display, says how to get one', async (t) => {
  const [trace] = await traces(1);
  const error = await t.throwsAsync(show(trace!), { instanceOf: NotebookError });
  t.regex(error!.message, /no notebook display/);
});

test('showLive redraws one display per frame, the newest frame winning, and always draws the last', async (t) => {
  const frames = await traces(5);
  const display = new RecordingDisplay();
  const source = new Subject<Trace>();
  const live = showLive(source, { display, title: 'live' });
  // five results at once: the first is being drawn while the next four arrive; only the newest of
  // those (the fifth) is drawn after it
  for (const f of frames) source.next(f);
  source.complete();
  const summary = await live.done;
  t.deepEqual(summary, { received: 5, drawn: 2 });
  t.is(display.svgs.length, 2);
  t.true(display.svgs[0]!.includes('>frame 1 of the stream<'));
  t.true(display.svgs[1]!.includes('>frame 5 of the stream<'));
  t.false(source.observed);
});

test('showLive of a slow stream draws every frame', async (t) => {
  const frames = await traces(3);
  const display = new RecordingDisplay();
  const source = new Subject<Trace>();
  const live = showLive(source, { display });
  for (const f of frames) {
    source.next(f);
    // wait until the frame is drawn before the next arrives
    const before = display.svgs.length;
    while (display.svgs.length === before) await new Promise((r) => setImmediate(r));
  }
  source.complete();
  t.deepEqual(await live.done, { received: 3, drawn: 3 });
  t.true(display.svgs[2]!.includes('>frame 3 of the stream<'));
});

test('showLive stop() unsubscribes from the stream and resolves', async (t) => {
  const frames = await traces(2);
  const display = new RecordingDisplay();
  const source = new Subject<Trace>();
  const live = showLive(source, { display });
  source.next(frames[0]!);
  source.next(frames[1]!);
  live.stop();
  t.false(source.observed);
  const summary = await live.done;
  t.is(summary.received, 2);
  t.true(summary.drawn <= 2);
  live.stop(); // idempotent
});

test("showLive rejects with the stream's error and keeps the last frame shown", async (t) => {
  const [frame] = await traces(1);
  const display = new RecordingDisplay();
  const source = new Subject<Trace>();
  const live = showLive(source, { display });
  source.next(frame!);
  source.error(new Error('link lost'));
  await t.throwsAsync(live.done, { message: 'link lost' });
  t.is(display.svgs.length, 1);
});

test('showLive outside a notebook kernel fails its first frame with NotebookError and stops the stream', async (t) => {
  const [frame] = await traces(1);
  const source = new Subject<Trace>();
  const live = showLive(source);
  source.next(frame!);
  await t.throwsAsync(live.done, { instanceOf: NotebookError });
  t.false(source.observed);
});

test("showLive of a board's stream stops the acquisition when the stream is taken", async (t) => {
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 4, scheduler: clock } });
  try {
    const display = new RecordingDisplay();
    const live = showLive(rp.scope.stream$({ decimation: 64 }).pipe(take(3)), { display });
    // drawing is real work (Vega's first plot loads it: seconds on a loaded machine), not board time
    const summary = await clock.run(live.done, 3_600_000, 60_000);
    t.is(summary.received, 3);
    t.true(display.svgs.at(-1)!.includes('>frame 3 of the stream<'));
    t.is(rp.scope.state.state, 'idle');
  } finally {
    await rp.close();
  }
});
