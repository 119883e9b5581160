import { defer, repeat, type Observable, type Subscription } from 'rxjs';
import { SettingsError, type FrequencyResponse, type SavableResult, type Spectrum, type Trace } from '@labrx/core';
import type { Board, InstrumentState, NaSweepEvent } from '@labrx/instruments';
import type { Catalogue } from '@labrx/catalogue';
import { encodeResult } from '../datafiles/encodeResult.js';
import { resultToSvg } from '../datafiles/plotSvg.js';
import {
  errorInfo,
  parseClientMessage,
  studioFields,
  type ClientMessage,
  type ServerMessage,
  type StudioExportable,
  type StudioExportFormat,
  type StudioFile,
  type StudioGenerator,
  type StudioInstrument,
  type StudioPlot,
  type StudioModule,
  type StudioSettable,
  STUDIO_SETTABLE,
} from './protocol.js';

const isStudioSettable = (name: string): name is StudioSettable => (STUDIO_SETTABLE as readonly string[]).includes(name);
import { naPointsFrame, naSweepFrame, shownFrame, spectrumFrame, traceFrame } from './resultFrames.js';
import type { StudioDemo } from './studioDemo.js';
import type { PanelSettings, StudioState } from './studioState.js';
import type { StudioFleet } from './studioFleet.js';
import type { ShownEntry, StudioShows } from './StudioShows.js';
import { measureChannel } from './traceMeasurements.js';
import { spectrumPeak } from './spectrumPeak.js';
import { StudioLockPanel } from './StudioLockPanel.js';
import { StudioModulePanel } from './StudioModulePanel.js';
import { StudioWaterfall } from './StudioWaterfall.js';
import type { WaterfallSpectrum } from './waterfallRows.js';

/** Where a session's messages go (a WebSocket in the studio; a recorder in tests). */
export interface StudioChannel {
  /** Sends a JSON text message. */
  sendText(text: string): void;
  /** Sends a binary frame. */
  sendBinary(bytes: Uint8Array): void;
  /**
   * Bytes sent and not yet taken by the network (a WebSocket's `bufferedAmount`). When given, scope
   * and spectrum frames wait while it is above `maxQueuedBytes`, whatever the page acknowledges:
   * flow control does not trust the page's word alone. The owner calls `drained()` as it falls.
   */
  bufferedBytes?(): number;
}

/** Session tuning. */
export interface StudioSessionOptions {
  /**
   * Scope and spectrum frames sent and not yet acknowledged as drawn, at most (default 1). The
   * page acknowledges each frame after drawing it, so a slow page gets fewer frames instead of a
   * growing queue, and the server envelopes only the traces it actually sends. One is enough to
   * keep up with 60 animation frames/s on loopback (bench/studio.bench.ts); 2 sent ~40 % of the
   * frames for nothing (received, then replaced before the next animation frame).
   */
  readonly maxInFlight?: number;
  /** Plot width in pixels assumed until the page says (default 1000). */
  readonly defaultWidth?: number;
  /**
   * A plot width in pixels to use whatever the page says (for benchmarks: 8192 sends whole
   * 16384-point traces, as if there were no envelopes).
   */
  readonly fixedWidth?: number;
  /**
   * Scope and spectrum frames are held back (only the newest result kept) while the channel holds
   * more than this many bytes not yet sent (default 1 MiB, `STREAM_HIGH_WATER_BYTES`).
   */
  readonly maxQueuedBytes?: number;
}

/** What a session shares with the studio: the demonstration, shown Observables, the NA's last sweep. */
export interface StudioSessionContext {
  /** When set, the page opens with the scope and spectrum analyzer running with these settings. */
  readonly demo?: StudioDemo;
  /** Observables shown with `studio.show` (drawn on every page). */
  readonly shows?: StudioShows;
  /** The newest complete NA sweep of the studio (sent to a page when it connects). */
  readonly lastSweep?: () => FrequencyResponse | null;
  /** Called with every complete NA sweep, so that the next page opens with it. */
  readonly sweepDone?: (response: FrequencyResponse) => void;
  /** The fleet view's boards (`startStudio({ fleet })`). */
  readonly fleet?: StudioFleet;
  /** Profiles and the last state (none: the page's profile tab says so). */
  readonly state?: StudioState;
  /** Panel settings to open with (the restored last state), over the demonstration's. */
  readonly initialPanels?: Partial<PanelSettings>;
  /** The run catalogue the page saves to and overlays from (none: saving says so). */
  readonly catalogue?: { readonly catalogue: Catalogue; readonly path: string };
}

/** Default `maxQueuedBytes`: 1 MiB, eight full-width (8192-pixel) trace frames. */
export const STREAM_HIGH_WATER_BYTES = 1 << 20;

type Mode = 'idle' | 'single' | 'run';
type Streamed = 'scope' | 'specan';

/** Flow control of one streamed plot: the newest result waiting, and frames not yet drawn. */
interface Outbox<T> {
  pending: T | null;
  inFlight: number;
  seq: number;
  timestamp: number;
  /** The result of the frame sent last: what the page shows (exported from there). */
  shown: T | null;
  paused: boolean;
}

/** Flow control of a shown Observable on this page. */
interface ShownOutbox {
  /** A newer value than the one sent is waiting. */
  pending: boolean;
  inFlight: number;
  paused: boolean;
  /** What the page shows: the result, or a series' points. */
  shown: unknown;
}

/** Pixel widths are clamped to this range (a 16384-sample trace needs no more than 8192 columns). */
const MIN_WIDTH = 16;
const MAX_WIDTH = 8192;

/**
 * One page's connection to a board: runs the instruments the page asks for (Single / Run / Stop),
 * validates its settings (a `SettingsError` goes back to the page with its fields), and sends
 * results as binary frames — scope traces and spectra as min/max envelopes the width of the plot,
 * at most `maxInFlight` ahead of what the page has drawn; NA points one by one as they are measured;
 * Observables shown with `studio.show` under the same flow control as the scope.
 *
 * It also measures each scope trace it sends (Vpp, Vrms, mean, frequency at full resolution),
 * pauses a plot (nothing new is sent for it; the board keeps running) and exports what a plot
 * shows as the command line's data files (CSV, JSON, npy) or SVG picture.
 *
 * Every pipeline goes through the board's instruments, so several pages (or a script) share the
 * board with its leases: a sweep waits while another page's scope holds the scope.
 */
export class StudioSession {
  private readonly settings: Record<StudioSettable, Record<string, unknown>> = { scope: {}, specan: {}, na: {}, asg0: {}, asg1: {} };
  private readonly modes: Record<StudioInstrument, Mode> = { scope: 'idle', specan: 'idle', na: 'idle' };
  private readonly running: Record<StudioInstrument, Subscription | null> = { scope: null, specan: null, na: null };
  private readonly lastState: Record<StudioInstrument, InstrumentState> = { scope: { state: 'idle', holder: null }, specan: { state: 'idle', holder: null }, na: { state: 'idle', holder: null } };
  private readonly widths: Record<Streamed | 'shown', number>;
  private scopeWindow: readonly [number, number] | null = null;
  private readonly scopeOut: Outbox<Trace> = { pending: null, inFlight: 0, seq: 0, timestamp: 0, shown: null, paused: false };
  private readonly specanOut: Outbox<Spectrum> = { pending: null, inFlight: 0, seq: 0, timestamp: 0, shown: null, paused: false };
  private readonly shownOut = new Map<number, ShownOutbox>();
  private naSweeps = 0;
  private naPaused = false;
  private naShown: FrequencyResponse | null = null;
  private readonly maxInFlight: number;
  private readonly fixedWidth: number | undefined;
  private readonly maxQueuedBytes: number;
  private readonly stateSubs: Subscription[] = [];
  private unlisten: (() => void) | null = null;
  private unlistenFleet: (() => void) | null = null;
  /** Fleet view: a newer state waits / a state is sent and not yet drawn. */
  private readonly fleetOut = { pending: false, inFlight: 0 };
  private closed = false;
  /** The lockbox panel (null: the board has no PIDs). */
  private readonly lockPanel: StudioLockPanel | null;
  /** The PID/IQ panel (no modules: the board has none). */
  private readonly modulePanel: StudioModulePanel;
  /** The waterfall (spectrogram) panel, and the waterfalls of shown spectrograms. */
  private readonly waterfall: StudioWaterfall;

  constructor(
    private readonly board: Board,
    private readonly channel: StudioChannel,
    options: StudioSessionOptions = {},
    private readonly context: StudioSessionContext = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 1;
    this.fixedWidth = options.fixedWidth;
    this.maxQueuedBytes = options.maxQueuedBytes ?? STREAM_HIGH_WATER_BYTES;
    const w = options.fixedWidth ?? options.defaultWidth ?? 1000;
    this.widths = { scope: w, specan: w, shown: w };
    this.lockPanel = StudioLockPanel.available(board)
      ? new StudioLockPanel(board, { send: (m) => this.send(m), sendBinary: (b) => {
          if (!this.closed) this.channel.sendBinary(b);
        }, roomForFrames: () => (this.channel.bufferedBytes?.() ?? 0) <= this.maxQueuedBytes }, this.maxInFlight, () => this.remember())
      : null;
    this.modulePanel = new StudioModulePanel(board, (m) => this.send(m), () => this.remember());
    this.waterfall = new StudioWaterfall(
      board,
      { send: (m) => this.send(m), sendBinary: (b) => {
        if (!this.closed) this.channel.sendBinary(b);
      }, roomForFrames: () => (this.channel.bufferedBytes?.() ?? 0) <= this.maxQueuedBytes },
      this.maxInFlight,
      context.initialPanels?.waterfall,
      () => this.remember(),
    );
    const demo = context.demo;
    if (demo) {
      this.settings.scope = { ...demo.scope };
      this.settings.specan = { ...demo.specan };
      this.settings.na = { ...demo.na };
      this.scopeWindow = demo.scopeWindowS ?? null;
    }
    for (const k of ['scope', 'specan', 'na'] as const) {
      const restored = context.initialPanels?.[k];
      if (restored) this.settings[k] = { ...restored };
    }
  }

  /**
   * Sends the board, its settings and the field descriptors of every panel, starts reporting
   * states, sends the studio's last sweep and shown plots, and with a demonstration starts the
   * scope and the spectrum analyzer.
   */
  start(): void {
    const b = this.board;
    const asg = (s: typeof b.asg0.settings) => ({ ...s, data: null });
    const demo = this.context.demo;
    const resolved = (name: StudioInstrument) => b[name].resolve(this.settings[name]);
    this.send({
      type: 'hello',
      board: { id: b.id, ...b.info, naUsesIqModules: b.na.usesIqModules },
      settings: { scope: resolved('scope'), specan: resolved('specan'), na: resolved('na'), asg0: asg(b.asg0.settings), asg1: asg(b.asg1.settings) },
      fields: studioFields(b.info),
      demo: demo ? { wiring: demo.wiring, scopeWindowS: demo.scopeWindowS ?? null } : null,
      modules: this.modulePanel.forms(),
      lockbox: this.lockPanel?.hello() ?? null,
    });
    this.modulePanel.readBack();
    this.lockPanel?.start();
    this.waterfall.hello();
    const watch = (name: StudioInstrument, state$: Observable<InstrumentState>) =>
      this.stateSubs.push(
        state$.subscribe({
          next: (s) => {
            this.lastState[name] = s;
            this.sendState(name);
          },
          // state$ completes when the board closes; an error here would be a bug worth showing
          error: (e: unknown) => this.send({ type: 'error', instrument: name, error: errorInfo(e) }),
        }),
      );
    watch('scope', b.scope.state$);
    watch('specan', b.specan.state$);
    watch('na', b.na.state$);
    const sweep = this.context.lastSweep?.();
    if (sweep) {
      this.naShown = sweep;
      this.channel.sendBinary(naSweepFrame(sweep, ++this.naSweeps, b.driver.scheduler.now()));
    }
    const shows = this.context.shows;
    if (shows) {
      this.unlisten = shows.listen({ changed: (e) => this.shownChanged(e), value: (e) => this.shownValue(e) });
      for (const e of shows.list()) {
        this.shownChanged(e);
        if (e.seq > 0) this.shownValue(e);
      }
    }
    const fleet = this.context.fleet;
    if (fleet) {
      this.unlistenFleet = fleet.listen(() => {
        this.fleetOut.pending = true;
        this.flushFleet();
      });
      this.fleetOut.pending = true;
      this.flushFleet();
    }
    if (demo) {
      this.run('scope', 'run');
      this.run('specan', 'run');
    }
  }

  /** Handles one text message from the page; problems go back to the page as 'error' messages. */
  handle(text: string): void {
    let m: ClientMessage;
    try {
      m = parseClientMessage(text);
    } catch (error) {
      this.send({ type: 'error', instrument: 'studio', error: errorInfo(error) });
      return;
    }
    switch (m.type) {
      case 'run':
        // settings that come with Single / Run must pass first: a bad one runs nothing
        if (m.settings !== undefined && !this.store(m.instrument, m.settings)) return;
        return this.run(m.instrument, m.mode === 'stop' ? 'idle' : m.mode);
      case 'settings':
        return this.applySettings(m.instrument, m.settings);
      case 'view':
        if (m.scopeWindow !== undefined) this.scopeWindow = m.scopeWindow;
        if (this.fixedWidth !== undefined) return;
        for (const k of ['scope', 'specan', 'shown'] as const) {
          const w = m.widths[k];
          if (w !== undefined) this.widths[k] = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.round(w)));
        }
        return;
      case 'ack': {
        if (m.instrument === 'fleet') {
          this.fleetOut.inFlight = 0;
          return this.flushFleet();
        }
        if (m.instrument === 'shown') {
          const out = this.shownOut.get(m.id!);
          if (!out) return;
          out.inFlight = Math.max(0, out.inFlight - 1);
          return this.flushShown(m.id!);
        }
        if (m.instrument === 'lockbox') return this.lockPanel?.ack();
        const out = m.instrument === 'scope' ? this.scopeOut : this.specanOut;
        out.inFlight = Math.max(0, out.inFlight - 1);
        return this.flush(m.instrument);
      }
      case 'pause':
        return this.pause(m.instrument, m.id, m.paused);
      case 'export':
        return this.export(m.instrument, m.id, m.format);
      case 'save':
        return this.save(m.instrument, m.id, m.label);
      case 'history':
        return this.sendHistory();
      case 'overlay':
        return this.overlay(m.instrument, m.id, m.run, m.series);
      case 'profile':
        return this.profile(m.action, m.name);
      case 'lock':
      case 'lockConfig':
      case 'lockPreset':
      case 'unlock':
        if (!this.lockPanel) return this.send({ type: 'error', instrument: 'lockbox', error: { name: 'StudioError', code: 'NoLockbox', message: `board ${this.board.id} has no PIDs: it has no lockbox` } });
        if (m.type === 'lockConfig') return this.lockPanel.apply(m.config);
        if (m.type === 'lockPreset') return this.lockPanel.preset(m.preset, m.options);
        return m.type === 'lock' ? this.lockPanel.lock(m) : this.lockPanel.unlock();
      case 'waterfall':
        return this.waterfall.handle(m);
      case 'trigger':
        return this.trigger(m.instrument);
    }
  }

  /** A generator's software trigger; the page hears 'triggered' or the typed error (NotSupportedError on a board without one, ResourceBusyError while leased). */
  private trigger(generator: StudioGenerator): void {
    this.board[generator].trigger().then(
      () => this.send({ type: 'triggered', instrument: generator, boardTimeMs: this.board.driver.scheduler.now() }),
      (error: unknown) => this.send({ type: 'error', instrument: generator, error: errorInfo(error) }),
    );
  }

  /** The channel's queue fell: sends the newest waiting frames the acknowledgements allow. */
  drained(): void {
    if (this.closed) return;
    this.flush('scope');
    this.flush('specan');
    for (const id of this.shownOut.keys()) this.flushShown(id);
    this.flushFleet();
    this.lockPanel?.flush();
    this.waterfall.flush();
  }

  /** Stops everything this page started; unlocks the lockbox if this page's lock is in force (see `released`). */
  close(): void {
    this.closed = true;
    this.lockPanel?.close();
    this.waterfall.close();
    for (const name of ['scope', 'specan', 'na'] as const) this.stop(name);
    for (const s of this.stateSubs) s.unsubscribe();
    this.stateSubs.length = 0;
    this.unlisten?.();
    this.unlisten = null;
    this.unlistenFleet?.();
    this.unlistenFleet = null;
  }

  /** Sends the fleet view's newest state when the page has drawn the last one. */
  private flushFleet(): void {
    const fleet = this.context.fleet;
    if (!fleet || !this.fleetOut.pending || this.fleetOut.inFlight > 0) return;
    if ((this.channel.bufferedBytes?.() ?? 0) > this.maxQueuedBytes) return;
    this.fleetOut.pending = false;
    this.fleetOut.inFlight = 1;
    this.send({ type: 'fleet', boards: fleet.snapshot() });
  }

  private pause(plot: StudioPlot, id: number | undefined, paused: boolean): void {
    if (plot === 'na') this.naPaused = paused;
    else if (plot === 'shown') {
      const out = this.shownOut.get(id!);
      if (!out) return;
      out.paused = paused;
      if (!paused) this.flushShown(id!);
    } else {
      (plot === 'scope' ? this.scopeOut : this.specanOut).paused = paused;
      if (!paused) this.flush(plot);
    }
  }

  /** Encodes what a plot shows as the command line would write it (--out / --plot) and sends it to the page. */
  private export(plot: StudioExportable, id: number | undefined, format: StudioExportFormat): void {
    const result = this.exportable(plot, id);
    if (result === null) {
      this.send({ type: 'error', instrument: plot === 'shown' ? 'studio' : plot, error: { name: 'StudioError', code: 'NothingToExport', message: `nothing to export yet: the ${plot === 'shown' ? 'plot' : plot} has shown no result` } });
      return;
    }
    const base = `labrx-${plot === 'shown' ? `shown${id}` : plot}`;
    const reply = (files: StudioFile[]) => this.send({ type: 'file', instrument: plot, ...(id !== undefined ? { id } : {}), format, files });
    if (format === 'svg') {
      resultToSvg(result).then(
        (svg) => reply([{ name: `${base}.svg`, mime: 'image/svg+xml', encoding: 'utf8', data: svg }]),
        (error: unknown) => this.send({ type: 'error', instrument: 'studio', error: errorInfo(error) }),
      );
      return;
    }
    try {
      const encoded = encodeResult(result, format);
      const main = encoded.main;
      const files: StudioFile[] = [
        typeof main === 'string'
          ? { name: `${base}.${format}`, mime: format === 'csv' ? 'text/csv' : 'application/json', encoding: 'utf8', data: main }
          : { name: `${base}.${format}`, mime: 'application/octet-stream', encoding: 'base64', data: Buffer.from(main.buffer, main.byteOffset, main.byteLength).toString('base64') },
      ];
      if (encoded.sidecar !== undefined) files.push({ name: `${base}.${format}.json`, mime: 'application/json', encoding: 'utf8', data: encoded.sidecar });
      reply(files);
    } catch (error) {
      this.send({ type: 'error', instrument: 'studio', error: errorInfo(error) });
    }
  }

  /** Settles when the unlock that closing this page started is done (at once when there was none). */
  released(): Promise<void> {
    return this.lockPanel?.released() ?? Promise.resolve();
  }

  private panels(): PanelSettings {
    const waterfall = this.waterfall.givenSettings;
    return { scope: this.settings.scope, specan: this.settings.specan, na: this.settings.na, ...(waterfall ? { waterfall } : {}) };
  }

  /** Keeps the last state (when the studio has a state folder): restored on the next start. */
  private remember(): void {
    this.context.state?.saveLast(this.board, this.panels()).catch((error: unknown) => this.send({ type: 'error', instrument: 'studio', error: errorInfo(error) }));
  }

  private profile(action: 'list' | 'save' | 'load', name: string | undefined): void {
    const state = this.context.state;
    if (!state) {
      this.send({ type: 'profiles', dir: null, names: [] });
      return;
    }
    const reply = async (done?: string) => this.send({ type: 'profiles', dir: state.dir, names: await state.list(), ...(done !== undefined ? { done } : {}) });
    const fail = (error: unknown) => this.send({ type: 'error', instrument: 'studio', error: errorInfo(error) });
    if (action === 'list') return void reply().catch(fail);
    if (action === 'save') return void state.save(name!, this.board, this.panels()).then(() => reply(`saved ${name}`), fail);
    state.load(this.board, { name: name! }).then(async (panels) => {
      const b = this.board;
      for (const k of ['scope', 'specan', 'na'] as const) {
        if (panels[k]) this.settings[k] = panels[k];
        this.send({ type: 'applied', instrument: k, settings: b[k].resolve(this.settings[k]) });
        if (this.modes[k] === 'run') this.run(k, 'run');
      }
      for (const g of ['asg0', 'asg1'] as const) this.send({ type: 'applied', instrument: g, settings: { ...b[g].settings, data: null } });
      if (panels.waterfall) this.waterfall.set(panels.waterfall);
      this.modulePanel.readBack();
      this.remember();
      await reply(`loaded ${name}`);
    }, fail);
  }

  /** Saves what a plot shows to the catalogue, with the board's snapshot (docs/decisions/0013). */
  private save(plot: StudioExportable, id: number | undefined, label: string): void {
    const where = plot === 'shown' ? 'studio' : plot;
    const c = this.context.catalogue;
    if (!c) return this.send({ type: 'error', instrument: where, error: { name: 'StudioError', code: 'NoCatalogue', message: 'this studio has no run catalogue (start it with one: labrx studio --db FILE)' } });
    const result = this.exportable(plot, id);
    if (result === null) return this.send({ type: 'error', instrument: where, error: { name: 'StudioError', code: 'NothingToSave', message: 'nothing to save yet: the plot has shown no result' } });
    try {
      // the waterfall's rows come from the spectrum analyzer (specan.spectrogram$)
      const instrument = plot === 'waterfall' ? 'specan' : plot;
      const run = c.catalogue.save(result, { ...(label.trim() ? { label: label.trim() } : {}), board: this.board, ...(instrument !== 'shown' ? { instrument } : {}) });
      this.send({ type: 'saved', instrument: plot, ...(id !== undefined ? { id } : {}), run, label: label.trim() });
      this.sendHistory();
    } catch (error) {
      this.send({ type: 'error', instrument: where, error: errorInfo(error) });
    }
  }

  private sendHistory(): void {
    const c = this.context.catalogue;
    try {
      const runs = c ? c.catalogue.find({ limit: 30 }).map((r) => ({ id: r.id, kind: r.kind, instrument: r.instrument, createdMs: r.createdMs, label: r.label, points: r.points, boardId: r.boardId })) : [];
      this.send({ type: 'history', catalogue: c?.path ?? null, runs });
    } catch (error) {
      this.send({ type: 'error', instrument: 'studio', error: errorInfo(error) });
    }
  }

  /** Sends a saved run's curve for a plot (the same kind of result as the plot shows). */
  private overlay(plot: StudioPlot, id: number | undefined, runId: number | null, series: 0 | 1): void {
    const reply = (curve: Extract<ServerMessage, { type: 'overlay' }>['curve']) => this.send({ type: 'overlay', instrument: plot, ...(id !== undefined ? { id } : {}), curve });
    const c = this.context.catalogue;
    if (runId === null || !c) return reply(null);
    try {
      const run = c.catalogue.load(runId);
      const want = plot === 'scope' ? 'trace' : plot === 'specan' ? 'spectrum' : plot === 'na' ? 'frequency-response' : this.context.shows?.list().find((e) => e.id === id)?.kind;
      if (want === 'spectrogram') {
        this.send({ type: 'error', instrument: 'studio', error: { name: 'StudioError', code: 'NoOverlay', message: 'a waterfall has no overlay: open the saved spectrogram with loadResult or the catalogue' } });
        return;
      }
      if (run.kind !== want) {
        this.send({ type: 'error', instrument: plot === 'shown' ? 'studio' : plot, error: { name: 'StudioError', code: 'WrongKind', message: `run ${runId} is a ${run.kind}; this plot shows ${want ?? 'nothing yet'}` } });
        return;
      }
      const finite = (v: number) => (Number.isFinite(v) ? v : null);
      if (run.kind === 'trace') {
        const tr = run.result;
        const y = series === 1 ? tr.ch2 : tr.ch1;
        return reply({ run: runId, label: run.label, x: Array.from(y, (_, i) => tr.t0 + i * tr.dt), y: Array.from(y, finite) });
      }
      if (run.kind === 'spectrum') {
        const sp = run.result;
        const y = series === 1 && sp.ch2.length ? sp.ch2 : sp.ch1;
        return reply({ run: runId, label: run.label, x: Array.from(sp.frequencies), y: Array.from(y, finite) });
      }
      const h = run.result;
      return reply({ run: runId, label: run.label, x: Array.from(h.frequencies), y: Array.from(h.frequencies, (_, i) => finite(10 * Math.log10(h.re[i]! ** 2 + h.im[i]! ** 2))) });
    } catch (error) {
      this.send({ type: 'error', instrument: plot === 'shown' ? 'studio' : plot, error: errorInfo(error) });
    }
  }

  private exportable(plot: StudioExportable, id: number | undefined): SavableResult | null {
    if (plot === 'waterfall') return this.waterfall.spectrogram();
    if (plot === 'scope') return this.scopeOut.shown;
    if (plot === 'specan') return this.specanOut.shown;
    if (plot === 'na') return this.naShown;
    const out = this.shownOut.get(id!);
    // a spectrogram: its history of rows (every page's the same), not the newest row alone
    const history = this.context.shows?.list().find((e) => e.id === id)?.history;
    if (out && history) return history.snapshot();
    const shown = out?.shown as SavableResult | { t: number[] } | null | undefined;
    // a (t, value) series is not a result kind of the data files
    if (!shown || 't' in shown) return null;
    return shown;
  }

  private applySettings(instrument: StudioSettable | StudioModule, settings: Record<string, unknown>): void {
    if (instrument !== 'asg0' && instrument !== 'asg1' && !isStudioSettable(instrument)) {
      if (this.modulePanel.has(instrument)) this.modulePanel.set(instrument, settings);
      else this.send({ type: 'error', instrument, error: errorInfo(new SettingsError('studio', 'instrument', instrument, `a module of this board: ${this.modulePanel.forms().map((f) => f.name).join(', ') || 'none (it has no PID or IQ modules)'}`)) });
      return;
    }
    if (instrument === 'asg0' || instrument === 'asg1') {
      this.board[instrument].set(settings).then(
        (applied) => {
          this.send({ type: 'applied', instrument, settings: { ...applied, data: null } });
          this.remember();
        },
        (error: unknown) => this.send({ type: 'error', instrument, error: errorInfo(error) }),
      );
      return;
    }
    if (!this.store(instrument, settings)) return;
    // a running instrument picks the new settings up at once
    if (this.modes[instrument] === 'run') this.run(instrument, 'run');
  }

  /** Validates and keeps an instrument's settings; tells the page either way. False when rejected. */
  private store(instrument: StudioInstrument, settings: Record<string, unknown>): boolean {
    try {
      // validate now, so the page hears about a bad value even while the instrument is stopped
      const resolved = this.board[instrument].resolve(settings);
      this.settings[instrument] = settings;
      this.send({ type: 'applied', instrument, settings: resolved });
      this.remember();
      return true;
    } catch (error) {
      this.send({ type: 'error', instrument, error: errorInfo(error) });
      return false;
    }
  }

  private run(instrument: StudioInstrument, mode: Mode): void {
    this.stop(instrument);
    if (mode === 'idle' || this.closed) return this.sendState(instrument);
    let source$: Observable<unknown>;
    try {
      source$ = this.pipeline(instrument, mode);
    } catch (error) {
      this.send({ type: 'error', instrument, error: errorInfo(error) });
      return this.sendState(instrument);
    }
    this.modes[instrument] = mode;
    this.sendState(instrument);
    let sub: Subscription | undefined;
    let ended = false;
    sub = source$.subscribe({
      next: (value) => this.deliver(instrument, value),
      error: (error: unknown) => {
        ended = true;
        this.finished(instrument, sub);
        this.send({ type: 'error', instrument, error: errorInfo(error) });
      },
      complete: () => {
        ended = true;
        this.finished(instrument, sub);
      },
    });
    // a pipeline may end synchronously (then `sub` was still undefined in its callbacks)
    if (!ended) this.running[instrument] = sub;
  }

  private pipeline(instrument: StudioInstrument, mode: 'single' | 'run'): Observable<unknown> {
    const b = this.board;
    switch (instrument) {
      // Run is one Single after another, each taking and releasing the scope's lease: the scope and
      // the spectrum analyzer (which acquires with the scope, with settings of its own) then take
      // turns instead of one waiting for ever behind the other's stream (docs/decisions/0002).
      case 'scope': {
        const single$ = b.scope.single$(this.settings.scope);
        return mode === 'single' ? single$ : defer(() => single$).pipe(repeat());
      }
      case 'specan': {
        const single$ = b.specan.single$(this.settings.specan);
        return mode === 'single' ? single$ : defer(() => single$).pipe(repeat());
      }
      case 'na': {
        const sweep$ = b.na.sweep$(this.settings.na);
        // Run: one sweep after another, each drawn point by point
        return mode === 'single' ? sweep$ : defer(() => sweep$).pipe(repeat());
      }
    }
  }

  /** A pipeline ended by itself; `sub` is undefined when it ended while being subscribed. */
  private finished(instrument: StudioInstrument, sub: Subscription | undefined): void {
    if (sub !== undefined && this.running[instrument] !== sub) return; // replaced meanwhile
    this.running[instrument] = null;
    this.modes[instrument] = 'idle';
    this.sendState(instrument);
  }

  private stop(instrument: StudioInstrument): void {
    const sub = this.running[instrument];
    this.running[instrument] = null;
    this.modes[instrument] = 'idle';
    sub?.unsubscribe();
  }

  private deliver(instrument: StudioInstrument, value: unknown): void {
    const now = this.board.driver.scheduler.now();
    if (instrument === 'scope') {
      const t = value as Trace;
      this.scopeOut.pending = t;
      this.scopeOut.seq++;
      this.scopeOut.timestamp = t.timestamp;
      return this.flush('scope');
    }
    if (instrument === 'specan') {
      this.specanOut.pending = value as Spectrum;
      this.specanOut.seq++;
      this.specanOut.timestamp = now;
      return this.flush('specan');
    }
    const e = value as NaSweepEvent;
    if (e.kind !== 'point') this.context.sweepDone?.(e.result);
    // paused: the page keeps the sweep it shows; the board goes on sweeping
    if (this.naPaused) return;
    if (e.kind === 'point') this.channel.sendBinary(naPointsFrame([e.point], e.done, e.total, this.naSweeps, now));
    else {
      this.naShown = e.result;
      this.channel.sendBinary(naSweepFrame(e.result, ++this.naSweeps, now));
    }
  }

  /**
   * Sends the newest waiting result of a plot if the page has drawn enough of the earlier ones and
   * the channel is not backed up (a page may acknowledge frames it never read).
   */
  private flush(instrument: Streamed): void {
    if ((this.channel.bufferedBytes?.() ?? 0) > this.maxQueuedBytes) return;
    if (instrument === 'scope') {
      const out = this.scopeOut;
      if (out.paused || out.pending === null || out.inFlight >= this.maxInFlight) return;
      const trace = out.pending;
      const frame = traceFrame(trace, this.widths.scope, out.seq, this.scopeWindow);
      out.pending = null;
      out.shown = trace;
      out.inFlight++;
      this.channel.sendBinary(frame);
      this.send({ type: 'measured', instrument: 'scope', seq: out.seq, ch1: measureChannel(trace.ch1, trace.dt), ch2: measureChannel(trace.ch2, trace.dt) });
    } else {
      const out = this.specanOut;
      if (out.paused || out.pending === null || out.inFlight >= this.maxInFlight) return;
      const spectrum = out.pending;
      const frame = spectrumFrame(spectrum, this.widths.specan, out.seq, out.timestamp);
      out.shown = spectrum;
      out.pending = null;
      out.inFlight++;
      this.channel.sendBinary(frame);
      // the peak of the full spectrum: the drawn envelope has a bin per pixel column at best
      const f = spectrum.frequencies;
      this.send({ type: 'measured', instrument: 'specan', seq: out.seq, unit: spectrum.unit, ch1: spectrumPeak(f, spectrum.ch1), ch2: spectrumPeak(f, spectrum.ch2) });
    }
  }

  private shownChanged(e: ShownEntry): void {
    if (e.end?.reason === 'removed') {
      this.shownOut.delete(e.id);
      this.waterfall.forget(e.id);
    }
    else if (!this.shownOut.has(e.id)) this.shownOut.set(e.id, { pending: false, inFlight: 0, paused: false, shown: null });
    this.send({ type: 'shown', id: e.id, name: e.name, kind: e.kind, unit: e.unit, end: e.end });
  }

  private shownValue(e: ShownEntry): void {
    const out = this.shownOut.get(e.id);
    if (!out) return;
    if (e.kind === 'spectrogram') {
      // every row, not the newest only: a waterfall of its own (kind 10), exported as its newest row
      if (out.paused) return;
      out.shown = e.latest;
      return this.waterfall.shownRow(e.id, e.latest as WaterfallSpectrum, this.widths.shown);
    }
    out.pending = true;
    this.flushShown(e.id);
  }

  private flushShown(id: number): void {
    const out = this.shownOut.get(id);
    const entry = this.context.shows?.list().find((e) => e.id === id);
    if (!out || !entry || out.paused || !out.pending || out.inFlight >= this.maxInFlight) return;
    if ((this.channel.bufferedBytes?.() ?? 0) > this.maxQueuedBytes) return;
    out.pending = false;
    out.inFlight++;
    out.shown = entry.kind === 'series' ? { t: [...entry.t], v: [...entry.v] } : entry.latest;
    this.channel.sendBinary(shownFrame(entry, this.widths.shown));
  }

  private sendState(instrument: StudioInstrument): void {
    const s = this.lastState[instrument];
    this.send({ type: 'state', instrument, mode: this.modes[instrument], state: s.state, holder: s.holder });
  }

  private send(message: ServerMessage): void {
    if (!this.closed) this.channel.sendText(JSON.stringify(message));
  }
}
