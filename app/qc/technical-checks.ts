import { placeSubject, type FramingOptions } from "../imaging/canvas-layout";
import type { ChannelSpec } from "../imaging/channel-spec";
import type { PostReport } from "../imaging/post-process";
import { checkResult, unmeasured, type QcCheckResult, type QcThreshold } from "./qc-check";

/**
 * The checks on an asset's files rather than its pixels: was the master big
 * enough, did every rendition come out at its channel's shape, in sRGB, and
 * under the size limits. Facts come from the rendition records and sharp's
 * header read; these only judge them. Pure.
 */

export interface RenditionFacts {
  channel: string;
  width: number;
  height: number;
  bytes: number;
  format: string;
  /** True when the file is tagged sRGB (or carries an sRGB profile). */
  srgb: boolean;
  /** The channel's canvas size. */
  spec: { width: number; height: number };
}

/** Decimal megabytes: Shopify's "20 MB" limit is the stricter reading of the two. */
const BYTES_PER_MB = 1_000_000;

const round = (value: number, places = 2) => Math.round(value * 10 ** places) / 10 ** places;

/**
 * Score: the pixels the original has over the pixels the most demanding
 * rendition needs (the caller decides which length: the master's long edge
 * against the largest channel's, or the subject's height against its height
 * where it is enlarged most); below 1 a rendition was enlarged.
 */
export function checkResolution(facts: { masterLongEdge: number; neededLongEdge: number }, t: QcThreshold): QcCheckResult {
  const { masterLongEdge, neededLongEdge } = facts;
  if (!(masterLongEdge > 0 && neededLongEdge > 0)) return unmeasured("resolution", t, "Resolution not measured: the original's or the renditions' size is unknown");
  const score = masterLongEdge / neededLongEdge;
  const reason =
    score >= 1
      ? `The original has ${masterLongEdge} px where the most demanding rendition needs ${neededLongEdge} px: nothing is enlarged`
      : `The original has ${masterLongEdge} px where the most demanding rendition needs ${neededLongEdge} px: it is enlarged ${(1 / score).toFixed(2)}× and will look soft`;
  return checkResult("resolution", score, t, reason, { masterLongEdge, neededLongEdge });
}

/** Score: the largest difference, in percent, between a rendition's aspect ratio and its channel's. */
export function checkAspect(renditions: RenditionFacts[], t: QcThreshold): QcCheckResult {
  if (renditions.length === 0) return unmeasured("aspect", t, "Aspect ratio not measured: the asset has no renditions");
  let worst = renditions[0];
  let worstOff = -1;
  for (const r of renditions) {
    const off = r.height > 0 && r.spec.height > 0 && r.spec.width > 0 ? Math.abs(r.width / r.height / (r.spec.width / r.spec.height) - 1) * 100 : Infinity;
    if (off > worstOff) {
      worst = r;
      worstOff = off;
    }
  }
  if (!Number.isFinite(worstOff)) return unmeasured("aspect", t, `Aspect ratio not measured: the ${worst.channel} rendition has no size`);
  const reason =
    worstOff === 0
      ? `Every rendition has its channel's aspect ratio`
      : `The ${worst.channel} rendition is ${worst.width}×${worst.height}, ${round(worstOff)}% off its channel's ${worst.spec.width}×${worst.spec.height}`;
  return checkResult("aspect", worstOff, t, reason, { channel: worst.channel });
}

/** Score: how many renditions are not sRGB (browsers show untagged wide-gamut files dull or wrong). */
export function checkColourSpace(renditions: RenditionFacts[], t: QcThreshold): QcCheckResult {
  if (renditions.length === 0) return unmeasured("colour-space", t, "Colour space not measured: the asset has no renditions");
  const off = renditions.filter((r) => !r.srgb).map((r) => r.channel);
  const reason = off.length === 0 ? `All ${renditions.length} renditions are sRGB` : `Not sRGB: ${off.join(", ")}`;
  return checkResult("colour-space", off.length, t, reason, off.length ? { channels: off } : undefined);
}

/** Score: the largest rendition in megabytes. */
export function checkFileSize(renditions: RenditionFacts[], t: QcThreshold): QcCheckResult {
  if (renditions.length === 0) return unmeasured("file-size", t, "File size not measured: the asset has no renditions");
  const largest = renditions.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const mb = largest.bytes / BYTES_PER_MB;
  return checkResult("file-size", mb, t, `The largest rendition (${largest.channel}, ${largest.format}) is ${round(mb)} MB`, { channel: largest.channel });
}

/**
 * What the resolution check compares for a post-produced image: the subject's
 * height in the original against its height in the framed rendition that
 * enlarges it most (where placeSubject puts it), so a small master in a large
 * canvas with generous margins is judged by the enlargement it really gets.
 * Null when there is nothing to judge it by (no subject, no framed channel).
 */
export function subjectResolution(report: Pick<PostReport, "input" | "working" | "subject">, specs: readonly ChannelSpec[], framing: FramingOptions): { masterLongEdge: number; neededLongEdge: number } | null {
  if (report.subject.height <= 0 || report.working.height <= 0) return null;
  const toInput = report.input.height / report.working.height;
  const subject = { width: report.subject.width, height: report.subject.height };
  let enlargement = 0;
  for (const spec of specs) {
    if (spec.fit !== "frame") continue;
    const placed = placeSubject(subject, { width: spec.width, height: spec.height }, framing, spec.minSubjectFill);
    enlargement = Math.max(enlargement, placed.scale / toInput);
  }
  if (enlargement === 0) return null;
  const masterLongEdge = Math.round(subject.height * toInput);
  return { masterLongEdge, neededLongEdge: Math.round(masterLongEdge * enlargement) };
}
