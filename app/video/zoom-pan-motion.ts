import { between, seededRandom } from "./seeded-random";

/**
 * A Ken Burns move: zoom from `zoomFrom` to `zoomTo` while the view's centre
 * travels from `from` to `to` (fractions of the free travel, 0 = left/top
 * edge, 1 = right/bottom). The seed picks the move so candidates differ.
 */
export interface ZoomPanMotion {
  zoomFrom: number;
  zoomTo: number;
  from: { x: number; y: number };
  to: { x: number; y: number };
}

export function zoomPanMotion(seed: number): ZoomPanMotion {
  const random = seededRandom(seed);
  const zoomIn = random() < 0.5;
  const tight = between(random, 1.12, 1.3);
  const start = { x: between(random, 0.3, 0.7), y: between(random, 0.2, 0.5) };
  // Pan a little across, and drift down or up the garment.
  const end = { x: clamp01(start.x + between(random, -0.3, 0.3)), y: clamp01(start.y + between(random, 0.1, 0.4) * (random() < 0.5 ? 1 : -1)) };
  return zoomIn ? { zoomFrom: 1, zoomTo: tight, from: start, to: end } : { zoomFrom: tight, zoomTo: 1, from: end, to: start };
}

function clamp01(n: number): number {
  return Math.min(1, Math.max(0, n));
}

function fixed(n: number): string {
  return n.toFixed(5);
}

/**
 * The zoompan filter for `frames` frames of `width`×`height` at `fps`. The
 * zoom and position are functions of the output frame number `on` (not
 * zoompan's running `zoom`), so the move is linear and exactly `frames` long.
 * Values are written with fixed decimals: the filter string never contains
 * anything but numbers and zoompan's own variable names.
 */
export function zoomPanFilter(motion: ZoomPanMotion, options: { frames: number; width: number; height: number; fps: number }): string {
  const last = Math.max(1, options.frames - 1);
  const t = `(on/${last})`;
  const lerp = (a: number, b: number) => `(${fixed(a)}+${fixed(b - a)}*${t})`;
  const zoom = lerp(motion.zoomFrom, motion.zoomTo);
  const x = `(iw-iw/zoom)*${lerp(motion.from.x, motion.to.x)}`;
  const y = `(ih-ih/zoom)*${lerp(motion.from.y, motion.to.y)}`;
  return `zoompan=z='${zoom}':x='${x}':y='${y}':d=${options.frames}:s=${options.width}x${options.height}:fps=${options.fps}`;
}
