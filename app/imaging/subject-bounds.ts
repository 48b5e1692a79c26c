import type { Box, RawImage } from "./raw-image";

/**
 * The smallest box holding every pixel whose alpha is at least `threshold`
 * (default 8: fainter pixels are keying residue, not subject). An RGB image is
 * opaque everywhere, so its box is the whole image. Null when nothing is that opaque.
 */
export function alphaBounds(image: RawImage, threshold = 8): Box | null {
  const { width, height, channels, data } = image;
  if (width === 0 || height === 0) return null;
  if (channels === 3) return { left: 0, top: 0, width, height };
  const rowHas = (y: number) => {
    for (let q = y * width * 4 + 3, end = q + width * 4; q < end; q += 4) if (data[q] >= threshold) return true;
    return false;
  };
  let top = 0;
  while (top < height && !rowHas(top)) top++;
  if (top === height) return null;
  let bottom = height - 1;
  while (!rowHas(bottom)) bottom--;
  let left = width;
  let right = -1;
  for (let y = top; y <= bottom; y++) {
    const row = y * width * 4 + 3;
    // Only the columns not yet known to be inside need looking at.
    for (let x = 0; x < left; x++) {
      if (data[row + x * 4] >= threshold) {
        left = x;
        break;
      }
    }
    for (let x = width - 1; x > right; x--) {
      if (data[row + x * 4] >= threshold) {
        right = x;
        break;
      }
    }
  }
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/** A copy of the pixels inside `box`, which must lie within the image (whole pixels, non-empty). */
export function cropRaw(image: RawImage, box: Box): RawImage {
  const { left, top, width, height } = box;
  const fits = [left, top, width, height].every(Number.isInteger) && left >= 0 && top >= 0 && width > 0 && height > 0 && left + width <= image.width && top + height <= image.height;
  if (!fits) throw new RangeError(`Crop box ${JSON.stringify(box)} is not inside the ${image.width}×${image.height} image`);
  const { channels } = image;
  const data = Buffer.allocUnsafe(width * height * channels);
  const rowBytes = width * channels;
  for (let y = 0; y < height; y++) {
    const start = ((top + y) * image.width + left) * channels;
    image.data.copy(data, y * rowBytes, start, start + rowBytes);
  }
  return { data, width, height, channels };
}
