/**
 * What a reply hands over without copying. Transferring moves an ArrayBuffer to the other thread
 * in O(1) and detaches it here, so it is only done for buffers nobody else in the engine holds.
 */

type View = ArrayBufferView & { readonly buffer: ArrayBufferLike };

function wholeBuffer(v: unknown): ArrayBuffer | undefined {
  if (!ArrayBuffer.isView(v)) return undefined;
  const view = v as View;
  // A view on part of a buffer (a pool, a ring) would move its neighbours too: clone those instead.
  if (!(view.buffer instanceof ArrayBuffer) || view.byteOffset !== 0 || view.byteLength !== view.buffer.byteLength) return undefined;
  return view.buffer;
}

/** The buffers of the typed arrays in `fields` of `value` that can be transferred (whole, not shared), without duplicates. */
export function ownedBuffers(value: unknown, fields: readonly string[]): ArrayBuffer[] {
  if (value === null || typeof value !== 'object') return [];
  const out = new Set<ArrayBuffer>();
  for (const f of fields) {
    const b = wholeBuffer((value as Record<string, unknown>)[f]);
    if (b) out.add(b);
  }
  return [...out];
}

/**
 * Every top-level typed array of `value` copied once into a fresh buffer, and those buffers: for
 * values the engine shares (stream items), so the copies can be transferred while the originals stay.
 */
export function freshCopies(value: unknown): { value: unknown; transfer: ArrayBuffer[] } {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) return { value, transfer: [] };
  const copy: Record<string, unknown> = {};
  const transfer: ArrayBuffer[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const c = (v as unknown as { slice(): View }).slice();
      copy[k] = c;
      transfer.push(c.buffer as ArrayBuffer);
    } else {
      copy[k] = v;
    }
  }
  return { value: copy, transfer };
}

/**
 * `value` without its function-valued own properties (one level), so that results like a
 * `FrequencyResponse` (arrays plus `magnitude()`) can be cloned; the caller side rebuilds them.
 */
export function withoutFunctions(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) return value;
  const entries = Object.entries(value);
  if (!entries.some(([, v]) => typeof v === 'function')) return value;
  return Object.fromEntries(entries.filter(([, v]) => typeof v !== 'function'));
}

/** Marks a procedure's result whose typed arrays may be transferred (see `handOver`). */
const handedOver = new WeakSet<object>();

/**
 * Marks a procedure's result for transfer: the buffers of its top-level typed arrays move to the
 * blocking caller instead of being copied, and are detached in the engine. Only for arrays the
 * procedure made for this result and does not keep (a trace from `scope.single()` qualifies;
 * one from a shared `stream$` does not). Without it, a result is cloned. Returns `value`.
 *
 * @example
 * export async function capture(board: Board) { return handOver(await board.scope.single({ decimation: 8 })); }
 */
export function handOver<T extends object>(value: T): T {
  handedOver.add(value);
  return value;
}

/** The transferable buffers of a procedure result marked with `handOver` (none otherwise). */
export function handedOverBuffers(value: unknown): ArrayBuffer[] {
  if (value === null || typeof value !== 'object' || !handedOver.has(value)) return [];
  return ownedBuffers(value, Object.keys(value));
}
