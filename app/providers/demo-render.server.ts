import sharp, { type OverlayOptions } from "sharp";
import { openStillImage } from "~/video/still-image.server";
import { clipToCanvas, figureToCanvas, garmentPlacement, keyOutBackdrop, mannequinSvg, type DemoView, type GarmentCategory, type Size } from "./demo-compose";

export interface DemoComposeInput {
  /** The flat-lay or packshot, untrusted bytes. */
  garment: Buffer;
  /** The recipe's model reference, used as the figure layer instead of the mannequin. */
  figure?: Buffer;
  view: DemoView;
  category: GarmentCategory;
  background: string;
  seed: number;
  canvas: Size;
  format: "png" | "jpeg";
}

const TRANSPARENT = { r: 0, g: 0, b: 0, alpha: 0 };

/** The backdrop layer as raw RGBA at canvas size: the model reference if given, else the mannequin. */
async function figureLayer(input: DemoComposeInput): Promise<Buffer> {
  const { width, height } = input.canvas;
  if (!input.figure) {
    return sharp(Buffer.from(mannequinSvg(input.view, input.canvas, input.background))).ensureAlpha().raw().toBuffer();
  }
  const { image } = await openStillImage(input.figure, "model reference image");
  const map = figureToCanvas(input.view, input.canvas);
  const zoom = map.scaleX / figureToCanvas("front", input.canvas).scaleX;
  // Detail views crop into the model photo the way they crop into the mannequin.
  const scaled = { width: Math.round(width * Math.max(1, zoom)), height: Math.round(height * Math.max(1, zoom)) };
  let pipeline = image.resize(scaled.width, scaled.height, { fit: "cover", position: "centre" }).flatten({ background: input.background });
  if (zoom > 1) {
    const left = Math.min(scaled.width - width, Math.max(0, Math.round(-map.offsetX)));
    const top = Math.min(scaled.height - height, Math.max(0, Math.round(-map.offsetY)));
    pipeline = sharp(await pipeline.png({ compressionLevel: 0 }).toBuffer()).extract({ left, top, width, height });
  }
  return pipeline.ensureAlpha().raw().toBuffer();
}

/**
 * One demo image: the garment, its flat-lay backdrop keyed out, placed on a
 * figure for the requested view with the seed's small offsets. Not AI: a
 * deterministic composite, so the same input gives the same bytes.
 */
export async function composeDemoImage(input: DemoComposeInput): Promise<Buffer> {
  const { canvas } = input;
  const [base, garment] = await Promise.all([figureLayer(input), openStillImage(input.garment, "garment image")]);
  const placement = garmentPlacement({ view: input.view, category: input.category, canvas, garment, seed: input.seed });

  // Key at the target size: the flood fill is linear in pixels, and resizing first keeps it cheap.
  const resized = await garment.image.resize(placement.width, placement.height, { fit: "fill" }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const keyed = keyOutBackdrop(resized.data, { width: resized.info.width, height: resized.info.height });
  const turned = await sharp(keyed, { raw: { width: resized.info.width, height: resized.info.height, channels: 4 } })
    .flop(placement.flop)
    .rotate(placement.rotationDegrees, { background: TRANSPARENT })
    .raw()
    .toBuffer({ resolveWithObject: true });

  const overlays: OverlayOptions[] = [];
  const clip = clipToCanvas({ width: turned.info.width, height: turned.info.height }, placement.centre, canvas);
  if (clip) {
    const visible = await sharp(turned.data, { raw: { width: turned.info.width, height: turned.info.height, channels: 4 } }).extract(clip.extract).raw().toBuffer();
    overlays.push({ input: visible, raw: { width: clip.extract.width, height: clip.extract.height, channels: 4 }, left: clip.left, top: clip.top });
  }
  const composed = sharp(base, { raw: { width: canvas.width, height: canvas.height, channels: 4 } }).composite(overlays).flatten({ background: input.background });
  return input.format === "jpeg" ? composed.jpeg({ quality: 90, chromaSubsampling: "4:4:4" }).toBuffer() : composed.png({ compressionLevel: 6 }).toBuffer();
}
