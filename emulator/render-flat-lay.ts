import sharp from "sharp";
import type { FlatLayTruth, Silhouette } from "./seed-catalog";

export const FLAT_LAY_WIDTH = 800;
export const FLAT_LAY_HEIGHT = 1000;

/** Garment outlines on an 800×1000 canvas, drawn flat as a flat-lay photo would show them. */
const SILHOUETTES: Record<Silhouette, string> = {
  tee: "M280 170 L340 140 Q400 180 460 140 L520 170 L640 260 L590 350 L530 310 L530 820 L270 820 L270 310 L210 350 L160 260 Z",
  shirt: "M290 160 L360 130 L400 190 L440 130 L510 160 L620 250 L600 560 L550 560 L540 330 L535 840 L265 840 L260 330 L250 560 L200 560 L180 250 Z",
  dress: "M320 140 L370 130 Q400 170 430 130 L480 140 L500 330 Q470 360 480 420 L640 860 L160 860 L320 420 Q330 360 300 330 Z",
  jeans: "M270 130 L530 130 L560 870 L430 870 L400 360 L370 870 L240 870 Z",
  shorts: "M250 260 L550 260 L590 650 L430 680 L400 430 L370 680 L210 650 Z",
  sweater: "M280 170 L350 140 Q400 175 450 140 L520 170 L660 330 L650 760 L580 760 L545 390 L535 800 L265 800 L255 390 L220 760 L150 760 L140 330 Z",
  coat: "M290 120 L370 100 L400 170 L430 100 L510 120 L640 280 L650 850 L580 850 L555 380 L560 900 L240 900 L245 380 L220 850 L150 850 L160 280 Z",
  swimsuit: "M320 170 L360 170 Q400 260 440 170 L480 170 L500 420 Q470 520 520 640 L400 760 L280 640 Q330 520 300 420 Z",
  bag: "M230 380 L570 380 L600 820 L200 820 Z M300 380 Q300 220 400 220 Q500 220 500 380 L470 380 Q470 250 400 250 Q330 250 330 380 Z",
  scarf: "M250 140 L550 140 L550 860 L250 860 Z",
  cap: "M230 560 Q230 330 400 320 Q570 330 570 560 Z M540 540 L700 580 L690 620 L540 600 Z",
};

function patternFill(truth: FlatLayTruth): { defs: string; fill: string } {
  const a = truth.primary.hex;
  const b = truth.secondary.hex;
  switch (truth.pattern) {
    case "stripes":
      return { defs: `<pattern id="p" width="40" height="40" patternUnits="userSpaceOnUse"><rect width="40" height="40" fill="${a}"/><rect width="40" height="10" fill="${b}"/></pattern>`, fill: "url(#p)" };
    case "check":
      return {
        defs: `<pattern id="p" width="60" height="60" patternUnits="userSpaceOnUse"><rect width="60" height="60" fill="${a}"/><rect width="60" height="12" fill="${b}"/><rect width="12" height="60" fill="${b}"/></pattern>`,
        fill: "url(#p)",
      };
    case "dots":
      return { defs: `<pattern id="p" width="40" height="40" patternUnits="userSpaceOnUse"><rect width="40" height="40" fill="${a}"/><circle cx="20" cy="20" r="5" fill="${b}"/></pattern>`, fill: "url(#p)" };
    default:
      return { defs: "", fill: a };
  }
}

export function flatLaySvg(truth: FlatLayTruth): string {
  const { defs, fill } = patternFill(truth);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${FLAT_LAY_WIDTH}" height="${FLAT_LAY_HEIGHT}" viewBox="0 0 ${FLAT_LAY_WIDTH} ${FLAT_LAY_HEIGHT}"><defs>${defs}</defs><rect width="100%" height="100%" fill="${truth.background}"/><path d="${SILHOUETTES[truth.silhouette]}" fill="${fill}" fill-rule="evenodd"/></svg>`;
}

/** The flat-lay as PNG bytes; primary-colour pixels are exactly the truth's hex. */
export async function renderFlatLay(truth: FlatLayTruth): Promise<Buffer> {
  return sharp(Buffer.from(flatLaySvg(truth))).png({ compressionLevel: 6 }).toBuffer();
}
