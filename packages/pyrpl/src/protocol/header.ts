/**
 * The monitor_server protocol (pyrpl/monitor_server/monitor_server.c:37-56 and 199-235;
 * pyrpl/redpitaya_client.py:117-160): every request starts with an 8-byte header
 *   byte 0: 'r' read, 'w' write, 'c' close; byte 1: 0; bytes 2-3: u16 LE word count; bytes 4-7: u32 LE address.
 * A read is answered by the same header followed by count u32 LE words (address, address+4, …); a write
 * sends its count words after the header and is answered by the header alone once they arrived;
 * 'c' closes the connection; a count of 0 gets no answer.
 */

/** Header length in bytes. */
export const HEADER_BYTES = 8;
/** Largest word count of one request (u16). */
export const MAX_WORDS = 65535;
/** Command bytes. */
export const COMMAND = Object.freeze({ read: 0x72, write: 0x77, close: 0x63 } as const);
/** A command name. */
export type Command = keyof typeof COMMAND;

/** A decoded header. */
export interface Header {
  /** The command byte as read (COMMAND.read, .write, .close or anything else). */
  readonly command: number;
  /** Byte 1 (reserved; PyRPL sends 0). */
  readonly reserved: number;
  /** Words to read or write (0…65535). */
  readonly count: number;
  /** Byte address of the first word. */
  readonly address: number;
}

/** The 8-byte header of a request. @throws RangeError for a count outside 0…65535 or an address outside 32 bits */
export function encodeHeader(command: Command, count: number, address: number): Buffer {
  if (!(Number.isInteger(count) && count >= 0 && count <= MAX_WORDS)) throw new RangeError(`word count ${count} is not an integer from 0 to ${MAX_WORDS}`);
  if (!(Number.isInteger(address) && address >= 0 && address <= 0xffffffff)) throw new RangeError(`address ${address} is not a 32-bit unsigned integer`);
  const b = Buffer.alloc(HEADER_BYTES);
  b[0] = COMMAND[command];
  b[1] = 0;
  b.writeUInt16LE(count, 2);
  b.writeUInt32LE(address, 4);
  return b;
}

/** Decodes the 8 bytes at `offset` of `bytes` (which must hold them). */
export function decodeHeader(bytes: Uint8Array, offset = 0): Header {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, HEADER_BYTES);
  return { command: view.getUint8(0), reserved: view.getUint8(1), count: view.getUint16(2, true), address: view.getUint32(4, true) };
}

/** A read request and its expected reply header (the same 8 bytes). */
export function readRequest(address: number, count: number): Buffer {
  return encodeHeader('read', count, address);
}

/** A write request: header then the words (u32 LE). */
export function writeRequest(address: number, words: ArrayLike<number>): Buffer {
  const b = Buffer.alloc(HEADER_BYTES + 4 * words.length);
  encodeHeader('write', words.length, address).copy(b, 0);
  for (let i = 0; i < words.length; i++) b.writeUInt32LE(words[i]! >>> 0, HEADER_BYTES + 4 * i);
  return b;
}

/** The close request PyRPL sends on every close ('c' and seven zero bytes). */
export function closeRequest(): Buffer {
  return encodeHeader('close', 0, 0);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The words of a payload (u32 LE) as a Uint32Array copy. */
export function decodeWords(payload: Uint8Array): Uint32Array {
  const n = payload.length >>> 2;
  const out = new Uint32Array(n);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(payload.subarray(0, 4 * n));
    return out;
  }
  const view = new DataView(payload.buffer, payload.byteOffset, n * 4);
  for (let i = 0; i < n; i++) out[i] = view.getUint32(4 * i, true);
  return out;
}

/** Encodes words as a u32 LE payload, after `prefix` bytes (a header) when given. */
export function encodeWords(words: ArrayLike<number>, prefix?: Uint8Array): Buffer {
  const head = prefix?.length ?? 0;
  if (LITTLE_ENDIAN && words instanceof Uint32Array) {
    const b = Buffer.allocUnsafe(head + 4 * words.length);
    if (prefix) b.set(prefix, 0);
    b.set(new Uint8Array(words.buffer, words.byteOffset, 4 * words.length), head);
    return b;
  }
  const b = Buffer.alloc(head + 4 * words.length);
  if (prefix) b.set(prefix, 0);
  if (head) {
    for (let i = 0; i < words.length; i++) b.writeUInt32LE(words[i]! >>> 0, head + 4 * i);
    return b;
  }
  for (let i = 0; i < words.length; i++) b.writeUInt32LE(words[i]! >>> 0, 4 * i);
  return b;
}
