/**
 * A walker over an MP4/MOV file's top-level boxes (ISO/IEC 14496-12 §4.2), enough
 * to tell whether `moov` precedes `mdat` ("faststart"): browsers and Shopify's
 * player can then start playing before the whole file has arrived.
 */

export interface Mp4Box {
  type: string;
  offset: number;
  size: number;
}

export function topLevelBoxes(file: Uint8Array): Mp4Box[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const boxes: Mp4Box[] = [];
  let offset = 0;
  while (offset + 8 <= file.byteLength) {
    let size = view.getUint32(offset);
    const type = String.fromCharCode(file[offset + 4], file[offset + 5], file[offset + 6], file[offset + 7]);
    let header = 8;
    if (size === 1) {
      // 64-bit "largesize" follows the type; files over 4 GB never reach here (Shopify caps at 1 GB).
      if (offset + 16 > file.byteLength) throw new Error(`MP4 box "${type}" at ${offset} is truncated`);
      size = Number(view.getBigUint64(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = file.byteLength - offset; // the box runs to the end of the file
    }
    if (size < header || offset + size > file.byteLength) throw new Error(`MP4 box "${type}" at ${offset} has an invalid size ${size}`);
    boxes.push({ type, offset, size });
    offset += size;
  }
  if (offset !== file.byteLength) throw new Error(`MP4 has ${file.byteLength - offset} trailing bytes after the last box`);
  return boxes;
}

/** True when the file is a well-formed box sequence with `moov` before the first `mdat`. */
export function isFaststart(file: Uint8Array): boolean {
  const types = topLevelBoxes(file).map((box) => box.type);
  const moov = types.indexOf("moov");
  const mdat = types.indexOf("mdat");
  return moov !== -1 && mdat !== -1 && moov < mdat;
}
