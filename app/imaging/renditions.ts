/**
 * Every channel's rendition from one master, in one pass: one sharp instance
 * on the raw master (decoded once, never re-encoded between steps), a clone
 * per channel, all encoded concurrently. Each clone is a single pipeline:
 * extract the part of the master the canvas shows, flatten a cut-out onto the
 * channel's colour, resize once (lanczos3), cut what overhangs the canvas,
 * extend with the background to the exact canvas size, sharpen when shrunk,
 * encode. No full-size composite: only the pixels that end up on the canvas
 * are resized, and the background is added at output size.
 */

import { crc32, deflateSync } from "node:zlib";
import sharp, { type Sharp } from "sharp";
import { placeSubject, zoomCrop, type FramingOptions } from "./canvas-layout";
import { channelSpecSchema, type ChannelSpec } from "./channel-spec";
import { rawInput, type Box, type RawImage } from "./raw-image";

export interface RenditionSource {
  /** An RGBA cut-out (subject and optional shadow, transparent elsewhere), or an RGB full frame when there is no cut-out. */
  image: RawImage;
  /** Where the subject itself (not its shadow) sits inside image; framing uses this box. */
  subjectBox: Box;
}

export interface RenditionOptions {
  framing: FramingOptions;
  metadata?: {
    /**
     * Written as XMP when set. An IPTC digital source type (a term such as
     * "trainedAlgorithmicMedia" or "compositeWithTrainedAlgorithmicMedia", or
     * its full cv.iptc.org URI) goes into Iptc4xmpExt:DigitalSourceType, which
     * Google and others read to label AI images; any other text goes into
     * dc:description.
     */
    aiDisclosure?: string;
  };
}

export interface RenderedRendition {
  channel: string;
  bytes: Buffer;
  contentType: string;
  format: ChannelSpec["format"];
  width: number;
  height: number;
}

const CONTENT_TYPES: Record<ChannelSpec["format"], string> = { jpeg: "image/jpeg", webp: "image/webp", avif: "image/avif", png: "image/png" };

/**
 * A mild 3×3 unsharp mask (identity plus half a Laplacian) to restore the edge
 * contrast a lanczos3 downscale softens. sharp's sharpen() works in LAB with a
 * Gaussian and cost about 300 ms per 2048² output here; this costs about 10.
 */
const SHARPEN_KERNEL = { width: 3, height: 3, kernel: [0, -1, 0, -1, 12, -1, 0, -1, 0], scale: 8 };

const EPSILON = 1e-6;

/** How the master maps onto a canvas: canvas x = originX + master x × scale. */
interface CanvasMapping {
  scale: number;
  originX: number;
  originY: number;
}

/**
 * Renders every enabled spec from the one master. Framed channels place the
 * subject box with the framing options (a cut-out goes over the channel's
 * background; an RGB full frame is fitted whole inside the canvas with the
 * background filling the rest, enlarged around the subject only when the
 * channel's minSubjectFill demands it). Zoom channels show zoomCrop's detail.
 * Outputs are exactly the spec's size, carry an sRGB profile and no other
 * metadata (the raw master has none to leak), plus the XMP AI disclosure when
 * asked for.
 */
export async function renderRenditions(source: RenditionSource, specs: ChannelSpec[], options: RenditionOptions): Promise<RenderedRendition[]> {
  checkSource(source);
  const enabled = specs.map((spec) => channelSpecSchema.parse(spec)).filter((spec) => spec.enabled);
  const xmp = options.metadata?.aiDisclosure?.trim() ? aiDisclosureXmp(options.metadata.aiDisclosure.trim()) : null;
  const icc = await srgbProfile();
  const master = sharp(source.image.data, rawInput(source.image));
  const mappings = enabled.map((spec) => (spec.fit === "zoom" ? zoomMapping(source, spec) : frameMapping(source, spec, options.framing)));
  const reduced = await reducedMaster(source.image, mappings, enabled);
  return Promise.all(
    enabled.map(async (spec, index) => {
      const mapping = mappings[index]!;
      // Channels that shrink the master a lot start from the one reduced copy (same canvas mapping in its coordinates).
      const fromReduced = reduced && mapping.scale <= reduced.scale;
      // A sharpened reduced copy already restored the edges its downscale softened; only a further
      // real downscale (small outputs, where it is cheap) sharpens again.
      const finalScale = fromReduced ? mapping.scale / reduced.scale : mapping.scale;
      const sharpenHere = spec.sharpen && !(fromReduced && reduced.sharpened && finalScale >= 0.7);
      let pipeline = fromReduced
        ? drawOnCanvas(reduced.sharp.clone(), reduced.image, { ...mapping, scale: finalScale }, { ...spec, sharpen: sharpenHere })
        : drawOnCanvas(master.clone(), source.image, mapping, spec);
      // The pixels already are sRGB; sharp's withIccProfile would still run
      // them through lcms (about 40 ms per 2048² output), so JPEG and PNG get
      // the profile's bytes inserted instead.
      const insertsProfile = spec.format === "jpeg" || spec.format === "png";
      if (!insertsProfile) pipeline = pipeline.withIccProfile("srgb");
      if (xmp) pipeline = pipeline.withXmp(xmp);
      let bytes: Buffer = await encode(pipeline, spec).toBuffer();
      if (spec.format === "jpeg") bytes = insertJpegProfile(bytes, icc);
      else if (spec.format === "png") bytes = insertPngProfile(bytes, icc);
      // The canvas size by construction (tests decode it). Not sharp's `info`:
      // after a post-resize extract it reports the extract's size, not the extended one.
      return { channel: spec.id, bytes, contentType: CONTENT_TYPES[spec.format], format: spec.format, width: spec.width, height: spec.height };
    }),
  );
}

/**
 * A pyramid of one level: when several channels shrink a large master (to
 * under 70 %), each of them resizing the whole master costs most of the time. One lanczos3 reduction to just above the largest of those
 * channels' scales is made once and they resize from it; the zoom, which needs
 * native pixels, still reads the master.
 */
async function reducedMaster(image: RawImage, mappings: CanvasMapping[], specs: ChannelSpec[]): Promise<{ scale: number; image: RawImage; sharp: Sharp; sharpened: boolean } | null> {
  const users = mappings.map((m, i) => ({ scale: m.scale, spec: specs[i]! })).filter((u) => u.scale < 0.7);
  if (users.length < 2) return null;
  // 10 % above the largest of them, so each still downscales from the reduced copy.
  const scale = Math.min(0.77, Math.max(...users.map((u) => u.scale)) * 1.1);
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  // Sharpening once here, after this downscale, costs a fraction of sharpening every large output;
  // only when every channel that reads the copy wants sharpening.
  const sharpened = users.every((u) => u.spec.sharpen && u.scale <= scale);
  let pipeline = sharp(image.data, rawInput(image)).resize({ width, height, fit: "fill", kernel: "lanczos3" });
  if (sharpened) pipeline = pipeline.convolve(SHARPEN_KERNEL);
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  const reduced: RawImage = { data, width: info.width, height: info.height, channels: image.channels };
  // The exact ratio of the rounded size, so canvas positions stay where the full master would put them.
  return { scale: info.width / image.width, image: reduced, sharp: sharp(reduced.data, rawInput(reduced)), sharpened };
}

function checkSource({ image, subjectBox: box }: RenditionSource): void {
  if (image.data.length !== image.width * image.height * image.channels) {
    throw new RangeError(`the master's buffer holds ${image.data.length} bytes, not ${image.width}×${image.height}×${image.channels}`);
  }
  const inside = box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0 && box.left + box.width <= image.width && box.top + box.height <= image.height;
  if (!inside) throw new RangeError(`the subject box ${JSON.stringify(box)} is not inside the ${image.width}×${image.height} master`);
}

function frameMapping({ image, subjectBox }: RenditionSource, spec: ChannelSpec, framing: FramingOptions): CanvasMapping {
  if (image.channels === 4) {
    const placement = placeSubject(subjectBox, spec, framing, spec.minSubjectFill);
    return { scale: placement.scale, originX: placement.left - subjectBox.left * placement.scale, originY: placement.top - subjectBox.top * placement.scale };
  }
  // A full frame has its own background and composition: fit it whole.
  let scale = Math.min(spec.width / image.width, spec.height / image.height);
  if (spec.minSubjectFill !== undefined) {
    const needed = Math.min((spec.minSubjectFill * spec.height) / subjectBox.height, (spec.minSubjectFill * spec.width) / subjectBox.width);
    if (needed > scale) {
      // Enlarge around the subject, keeping as much of the frame on the canvas as it covers.
      const centreX = spec.width / 2 - (subjectBox.left + subjectBox.width / 2) * needed;
      const centreY = spec.height / 2 - (subjectBox.top + subjectBox.height / 2) * needed;
      return { scale: needed, originX: coverAxis(centreX, image.width * needed, spec.width), originY: coverAxis(centreY, image.height * needed, spec.height) };
    }
  }
  return { scale, originX: (spec.width - image.width * scale) / 2, originY: (spec.height - image.height * scale) / 2 };
}

/** Shifts an origin so a scaled frame at least as long as the canvas leaves no gap, or one shorter stays whole on it. */
function coverAxis(origin: number, scaledLength: number, canvasLength: number): number {
  if (scaledLength >= canvasLength) return Math.min(0, Math.max(canvasLength - scaledLength, origin));
  return Math.min(canvasLength - scaledLength, Math.max(0, origin));
}

function zoomMapping({ subjectBox }: RenditionSource, spec: ChannelSpec): CanvasMapping {
  const crop = zoomCrop(subjectBox, spec);
  const scale = spec.width / crop.width;
  return { scale, originX: -(subjectBox.left + crop.left) * scale, originY: -(subjectBox.top + crop.top) * scale };
}

function backgroundOf(spec: ChannelSpec) {
  if (spec.background === "transparent") return { r: 0, g: 0, b: 0, alpha: 0 };
  const hex = spec.background;
  return { r: parseInt(hex.slice(1, 3), 16), g: parseInt(hex.slice(3, 5), 16), b: parseInt(hex.slice(5, 7), 16), alpha: 1 };
}

/** One sharp pipeline: extract → flatten → resize → extract overhang → extend → sharpen. */
function drawOnCanvas(pipeline: Sharp, image: RawImage, { scale, originX, originY }: CanvasMapping, spec: ChannelSpec): Sharp {
  const background = backgroundOf(spec);
  const transparent = background.alpha === 0;

  // The master pixels the canvas shows (whole pixels, so partly visible ones
  // count; the epsilon keeps float noise such as 249.9999999 from adding one).
  const left = Math.max(0, Math.floor(-originX / scale + EPSILON));
  const top = Math.max(0, Math.floor(-originY / scale + EPSILON));
  const right = Math.min(image.width, Math.ceil((spec.width - originX) / scale - EPSILON));
  const bottom = Math.min(image.height, Math.ceil((spec.height - originY) / scale - EPSILON));
  const resizedWidth = Math.max(1, Math.round((right - left) * scale));
  const resizedHeight = Math.max(1, Math.round((bottom - top) * scale));
  const atX = Math.round(originX + left * scale);
  const atY = Math.round(originY + top * scale);
  const visible = {
    left: Math.max(0, -atX),
    top: Math.max(0, -atY),
    right: Math.min(resizedWidth, spec.width - atX),
    bottom: Math.min(resizedHeight, spec.height - atY),
  };
  if (right <= left || bottom <= top || visible.right <= visible.left || visible.bottom <= visible.top) {
    // Nothing of the master reaches the canvas (layouts from canvas-layout never do this): an empty canvas.
    return sharp({ create: { width: spec.width, height: spec.height, channels: transparent ? 4 : 3, background } });
  }

  let out = pipeline;
  if (left > 0 || top > 0 || right < image.width || bottom < image.height) out = out.extract({ left, top, width: right - left, height: bottom - top });
  if (transparent) out = out.ensureAlpha();
  else if (image.channels === 4) out = out.flatten({ background });
  if (resizedWidth !== right - left || resizedHeight !== bottom - top) out = out.resize({ width: resizedWidth, height: resizedHeight, fit: "fill", kernel: "lanczos3" });
  const visibleWidth = visible.right - visible.left;
  const visibleHeight = visible.bottom - visible.top;
  if (visibleWidth !== resizedWidth || visibleHeight !== resizedHeight) {
    out = out.extract({ left: visible.left, top: visible.top, width: visibleWidth, height: visibleHeight });
  }
  const padLeft = Math.max(0, atX);
  const padTop = Math.max(0, atY);
  const pad = { left: padLeft, top: padTop, right: spec.width - padLeft - visibleWidth, bottom: spec.height - padTop - visibleHeight };
  if (pad.left || pad.top || pad.right || pad.bottom) out = out.extend({ ...pad, background });
  if (spec.sharpen && scale < 1) out = out.convolve(SHARPEN_KERNEL);
  return out;
}

/**
 * Encoder settings chosen for throughput on a small worker (ADR 0015): baseline
 * libjpeg-turbo (mozjpeg costs 8× the encode for ~15 % smaller files,
 * progressive 1.4× for ~3 %), WebP effort 4, AVIF effort 0 with 4:2:0 chroma
 * (effort 2 took 6× as long for files ~10 % smaller), lossless PNG at zlib level 6.
 */
function encode(pipeline: Sharp, spec: ChannelSpec): Sharp {
  switch (spec.format) {
    case "jpeg":
      return pipeline.jpeg({ quality: spec.quality, mozjpeg: false, progressive: false, optimiseCoding: true, chromaSubsampling: "4:2:0" });
    case "webp":
      return pipeline.webp({ quality: spec.quality, effort: 4 });
    case "avif":
      return pipeline.avif({ quality: spec.quality, effort: 0, chromaSubsampling: "4:2:0" });
    case "png":
      // Lossless: quality does not apply.
      return pipeline.png({ compressionLevel: 6, adaptiveFiltering: false });
  }
}

let srgbProfileBytes: Promise<Buffer> | null = null;

/** The sRGB profile libvips embeds, read once from a one-pixel image. */
function srgbProfile(): Promise<Buffer> {
  srgbProfileBytes ??= sharp({ create: { width: 1, height: 1, channels: 3, background: "#FFFFFF" } })
    .withIccProfile("srgb")
    .png()
    .toBuffer()
    .then(async (png) => {
      const { icc } = await sharp(png).metadata();
      if (!icc || icc.length > 60_000) throw new Error("libvips gave no single-segment sRGB profile");
      return icc;
    })
    .catch((error: unknown) => {
      srgbProfileBytes = null;
      throw error;
    });
  return srgbProfileBytes;
}

/** An APP2 ICC_PROFILE segment (one chunk of one) after SOI and the JFIF APP0 segment, which must stay first. */
function insertJpegProfile(jpeg: Buffer, icc: Buffer): Buffer {
  const at = jpeg[2] === 0xff && jpeg[3] === 0xe0 ? 4 + jpeg.readUInt16BE(4) : 2;
  const signature = Buffer.from("ICC_PROFILE\0", "latin1");
  const segment = Buffer.alloc(4 + signature.length + 2 + icc.length);
  segment.writeUInt16BE(0xffe2, 0);
  segment.writeUInt16BE(2 + signature.length + 2 + icc.length, 2);
  signature.copy(segment, 4);
  segment[4 + signature.length] = 1;
  segment[5 + signature.length] = 1;
  icc.copy(segment, 6 + signature.length);
  return Buffer.concat([jpeg.subarray(0, at), segment, jpeg.subarray(at)]);
}

/** An iCCP chunk right after IHDR (it must precede PLTE and IDAT). */
function insertPngProfile(png: Buffer, icc: Buffer): Buffer {
  const afterHeader = 8 + 4 + 4 + 13 + 4;
  const body = Buffer.concat([Buffer.from("iCCPsRGB\0\0", "latin1"), deflateSync(icc)]);
  const chunk = Buffer.alloc(4 + body.length + 4);
  chunk.writeUInt32BE(body.length - 4, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(body), 4 + body.length);
  return Buffer.concat([png.subarray(0, afterHeader), chunk, png.subarray(afterHeader)]);
}

const IPTC_SOURCE_TYPES = "http://cv.iptc.org/newscodes/digitalsourcetype/";
const AI_SOURCE_TERMS = new Set(["trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "algorithmicMedia", "algorithmicallyEnhanced", "compositeSynthetic"]);

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

export function aiDisclosureXmp(disclosure: string): string {
  const term = disclosure.startsWith(IPTC_SOURCE_TYPES) ? disclosure.slice(IPTC_SOURCE_TYPES.length) : disclosure;
  const property =
    AI_SOURCE_TERMS.has(term) || disclosure.startsWith(IPTC_SOURCE_TYPES)
      ? `<Iptc4xmpExt:DigitalSourceType>${escapeXml(IPTC_SOURCE_TYPES + term)}</Iptc4xmpExt:DigitalSourceType>`
      : `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(disclosure)}</rdf:li></rdf:Alt></dc:description>`;
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">',
    property,
    "</rdf:Description>",
    "</rdf:RDF>",
    "</x:xmpmeta>",
    '<?xpacket end="w"?>',
  ].join("");
}
