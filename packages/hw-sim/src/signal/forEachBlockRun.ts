/**
 * Splits the output range [from, to) (samples), which reads the stream indices first, first + 1, …,
 * into runs that each lie inside one block of `blockSize` samples, and calls `visit` for each run in
 * order: output index `outStart` takes the block's samples `offset` … `offset + length − 1`.
 */
export function forEachBlockRun(
  from: number,
  to: number,
  first: number,
  blockSize: number,
  visit: (outStart: number, block: number, offset: number, length: number) => void,
): void {
  let i = from;
  let idx = first;
  while (i < to) {
    const block = Math.floor(idx / blockSize);
    const offset = idx - block * blockSize;
    const length = Math.min(to - i, blockSize - offset);
    visit(i, block, offset, length);
    i += length;
    idx += length;
  }
}
