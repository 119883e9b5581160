/** One reply message: its `;`-separated units, text (latin1) or IEEE block payloads. */
export type ScpiResponse = readonly (string | Buffer)[];

const HASH = 0x23;
const SEMI = 0x3b;
const CR = 0x0d;
const LF = 0x0a;
const QUOTE = 0x22;

/**
 * The longest reply message accepted, in bytes: 1 MiB. The longest legal unit is an ASCII trace of
 * 16384 samples, `{…}` of `%f` values of at most 10 characters (−20.000000 V on the ±20 V range)
 * and commas: 2 + 16384 × 11 − 1 = 180,225 bytes; a BIN trace is a block of 16384 float32, 65,536
 * bytes plus its `#565536` header. The driver chains two traces in one message (360 KB at most in
 * ASCII); 1 MiB leaves room for more than five, and bounds what a server that never ends its reply
 * (or declares a `#9…` block of a gigabyte) can make the driver hold.
 */
export const MAX_REPLY_BYTES = 1 << 20;

type Mode =
  | { kind: 'unit-start' }
  | { kind: 'text'; parts: Buffer[]; quoted: boolean }
  | { kind: 'block-length'; digits: number; text: string }
  | { kind: 'block-payload'; remaining: number; parts: Buffer[] }
  | { kind: 'after-block' };

/**
 * Cuts a reply byte stream into messages the way the Red Pitaya writes them: units joined by `;`, a
 * message ended by CRLF (a bare LF is accepted too); an IEEE 488.2 definite-length block
 * (`#<d><len><bytes>`) is read by its length, so CR, LF or `;` bytes inside the payload are data.
 * Text inside double quotes (SYST:ERR? texts) may hold `;`.
 *
 * @example
 * const p = new ScpiResponseParser((msg) => console.log(msg));
 * p.push(Buffer.from('#14\x00\x00\x80\x3f;1\r\n', 'latin1')); // → [Buffer<00 00 80 3f>, '1']
 */
export class ScpiResponseParser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private mode: Mode = { kind: 'unit-start' };
  private units: (string | Buffer)[] = [];
  /** Stream offset of `buf[0]`, and of the first byte of the message being read. */
  private base = 0;
  private messageStart = 0;
  private overflowed = false;

  /**
   * @param onOverflow called once, with the bytes held, when a message grows past `maxReplyBytes`
   *   without its end (or a block declares more): the stream cannot be followed any further, and
   *   every later byte is ignored.
   * @param maxReplyBytes the longest message accepted (default `MAX_REPLY_BYTES`, 1 MiB)
   */
  constructor(
    private readonly onMessage: (message: ScpiResponse) => void,
    private readonly onOverflow: (heldBytes: number) => void = () => undefined,
    private readonly maxReplyBytes = MAX_REPLY_BYTES,
  ) {}

  /** Feeds received bytes; calls `onMessage` for every complete message, in order. */
  push(chunk: Buffer): void {
    if (this.overflowed) return;
    // Unread bytes stay; finished parts of a unit were moved out, so a long reply arriving in small
    // chunks is copied once, not once per chunk.
    const rest = this.buf.subarray(this.pos);
    this.base += this.pos;
    this.buf = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    this.pos = 0;
    while (!this.overflowed && this.step());
    // every byte after the last message's end belongs to the message being read
    const held = this.base + this.buf.length - this.messageStart;
    if (!this.overflowed && held > this.maxReplyBytes) this.overflow(held);
  }

  private overflow(held: number): void {
    this.overflowed = true;
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    this.units = [];
    this.mode = { kind: 'unit-start' };
    this.onOverflow(held);
  }

  private endUnit(unit: string | Buffer): void {
    this.units.push(unit);
  }

  private endMessage(): void {
    const message = this.units;
    this.units = [];
    this.mode = { kind: 'unit-start' };
    this.messageStart = this.base + this.pos;
    this.onMessage(message);
  }

  /** Advances by one state; returns false when more bytes are needed. */
  private step(): boolean {
    const b = this.buf;
    const m = this.mode;
    switch (m.kind) {
      case 'unit-start': {
        if (this.pos >= b.length) return false;
        if (b[this.pos] === HASH) {
          if (this.pos + 1 >= b.length) return false;
          const d = b[this.pos + 1]! - 0x30;
          if (d >= 1 && d <= 9) {
            this.pos += 2;
            this.mode = { kind: 'block-length', digits: d, text: '' };
            return true;
          }
        }
        this.mode = { kind: 'text', parts: [], quoted: false };
        return true;
      }
      case 'text': {
        let quoted = m.quoted;
        for (let i = this.pos; i < b.length; i++) {
          const c = b[i]!;
          if (c === QUOTE) quoted = !quoted;
          else if (!quoted && (c === SEMI || c === LF)) {
            const last = b.subarray(this.pos, i);
            const whole = m.parts.length === 0 ? last : Buffer.concat([...m.parts, last]);
            // A CR before the LF belongs to the terminator.
            const end = c === LF && whole.length > 0 && whole[whole.length - 1] === CR ? whole.length - 1 : whole.length;
            this.endUnit(whole.toString('latin1', 0, end));
            this.pos = i + 1;
            if (c === LF) this.endMessage();
            else this.mode = { kind: 'unit-start' };
            return true;
          }
        }
        if (this.pos < b.length) m.parts.push(b.subarray(this.pos));
        this.mode = { kind: 'text', parts: m.parts, quoted };
        this.pos = b.length;
        return false;
      }
      case 'block-length': {
        const need = m.digits - m.text.length;
        const take = Math.min(need, b.length - this.pos);
        const text = m.text + b.toString('latin1', this.pos, this.pos + take);
        this.pos += take;
        if (text.length < m.digits) {
          this.mode = { kind: 'block-length', digits: m.digits, text };
          return false;
        }
        const length = Number(text);
        if (length > this.maxReplyBytes) {
          this.overflow(length);
          return false;
        }
        this.mode = { kind: 'block-payload', remaining: Number.isFinite(length) ? length : 0, parts: [] };
        return true;
      }
      case 'block-payload': {
        const take = Math.min(m.remaining, b.length - this.pos);
        if (take > 0) m.parts.push(b.subarray(this.pos, this.pos + take));
        this.pos += take;
        const remaining = m.remaining - take;
        if (remaining > 0) {
          this.mode = { kind: 'block-payload', remaining, parts: m.parts };
          return false;
        }
        // Socket chunks are fresh buffers, so slices of them can be handed out as they are.
        this.endUnit(m.parts.length === 1 ? m.parts[0]! : Buffer.concat(m.parts));
        this.mode = { kind: 'after-block' };
        return true;
      }
      case 'after-block': {
        // Firmware from 2.00-18 ends a block with CRLF; ';' continues the message.
        if (this.pos >= b.length) return false;
        const c = b[this.pos]!;
        if (c === SEMI) {
          this.pos++;
          this.mode = { kind: 'unit-start' };
          return true;
        }
        if (c === CR) {
          if (this.pos + 1 >= b.length) return false;
          this.pos += b[this.pos + 1] === LF ? 2 : 1;
          this.endMessage();
          return true;
        }
        if (c === LF) {
          this.pos++;
          this.endMessage();
          return true;
        }
        // Anything else: the message ended with the block (firmware before 2.00-18).
        this.endMessage();
        return true;
      }
    }
  }
}
