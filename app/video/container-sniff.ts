/**
 * Which container an untrusted upload really is, from its first bytes. ffmpeg
 * is then told that demuxer explicitly (`-f`), so a crafted file can never be
 * probed as an HLS playlist or concat list that makes ffmpeg open other files
 * or URLs.
 */
export type VideoContainer = "mov" | "matroska";

/** The ffmpeg demuxer for each accepted container (mov also reads mp4, m4v, 3gp). */
export const DEMUXER: Record<VideoContainer, string> = { mov: "mov", matroska: "matroska" };

const MOV_LEADING_BOXES = new Set(["ftyp", "moov", "mdat", "wide", "free", "skip", "pnot"]);

export function sniffVideoContainer(head: Uint8Array): VideoContainer | null {
  if (head.byteLength < 12) return null;
  // Matroska / WebM: the EBML magic number.
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return "matroska";
  const type = String.fromCharCode(head[4], head[5], head[6], head[7]);
  if (MOV_LEADING_BOXES.has(type)) {
    const size = ((head[0] << 24) >>> 0) + (head[1] << 16) + (head[2] << 8) + head[3];
    // A real first box is at least its 8-byte header (or 0/1 for to-end/64-bit sizes).
    if (size === 0 || size === 1 || size >= 8) return "mov";
  }
  return null;
}
