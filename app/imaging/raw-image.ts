/**
 * The pixel buffer the post-production steps pass between them: 8-bit sRGB,
 * interleaved, row-major, no padding. Steps written in plain TypeScript work on
 * this (keying, colour, LUTs); sharp reads and writes it with `{ raw: { width,
 * height, channels } }`, so nothing is re-encoded between steps.
 */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  /** 3 = RGB, 4 = RGBA (alpha is straight, not premultiplied). */
  channels: 3 | 4;
}

/** A pixel rectangle inside an image. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function rawInput(image: RawImage) {
  return { raw: { width: image.width, height: image.height, channels: image.channels } } as const;
}
