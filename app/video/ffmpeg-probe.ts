/**
 * Reads what `ffmpeg -i <file>` prints about its input. The npm ffmpeg build
 * ships without ffprobe, so the stream summary on stderr is the probe; this
 * parser is pure so every odd line it must survive is a unit test.
 */

export interface ProbedVideoStream {
  codec: string;
  pixelFormat: string | null;
  /** Coded size, before any rotation. */
  width: number;
  height: number;
  fps: number | null;
  /** Degrees from the display matrix or a `rotate` tag, normalised to 0, 90, 180 or 270. */
  rotation: number;
}

export interface MediaProbe {
  /** ffmpeg's demuxer names, e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "matroska,webm". */
  format: string | null;
  durationSeconds: number | null;
  bitrateKbps: number | null;
  video: ProbedVideoStream[];
  audioCodecs: string[];
}

/** Splits on commas that are not inside parentheses: "yuv420p(tv, bt709)" stays one part. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(" || ch === "[") depth += 1;
    if (ch === ")" || ch === "]") depth = Math.max(0, depth - 1);
    if (ch === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
    } else {
      current += ch;
    }
  }
  if (current.trim() !== "") parts.push(current.trim());
  return parts;
}

export function parseDuration(text: string): number | null {
  const match = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

function normaliseRotation(degrees: number): number {
  const quarter = Math.round(degrees / 90) * 90;
  return ((quarter % 360) + 360) % 360;
}

function parseVideoLine(description: string): ProbedVideoStream | null {
  const parts = splitTopLevel(description);
  const codec = parts[0]?.split(/\s+/)[0];
  if (!codec) return null;
  // The size is the part that starts with WxH; the codec tag "(avc1 / 0x31637661)" must not match.
  const sizePart = parts.find((part) => /^\d+x\d+(\s|$)/.test(part));
  if (!sizePart) return null;
  const [width, height] = sizePart.split(/\s/)[0].split("x").map(Number);
  const pixelFormat = parts[1] && !/^\d+x\d+/.test(parts[1]) ? parts[1].replace(/\(.*$/, "").trim() || null : null;
  const fpsPart = parts.find((part) => /^\d+(\.\d+)?k? fps$/.test(part)) ?? parts.find((part) => /^\d+(\.\d+)?k? tbr$/.test(part));
  let fps: number | null = null;
  if (fpsPart) {
    const value = fpsPart.split(" ")[0];
    fps = value.endsWith("k") ? Number(value.slice(0, -1)) * 1000 : Number(value);
  }
  return { codec, pixelFormat, width, height, fps, rotation: 0 };
}

/** Parses the first input's summary; anything after "Output #" or "Stream mapping" is ignored. */
export function parseProbeOutput(stderr: string): MediaProbe {
  const probe: MediaProbe = { format: null, durationSeconds: null, bitrateKbps: null, video: [], audioCodecs: [] };
  let inInput = false;
  let lastVideo: ProbedVideoStream | null = null;
  for (const line of stderr.split(/\r?\n/)) {
    const input = /^Input #0, (.+?), from /.exec(line);
    if (input) {
      inInput = true;
      probe.format = input[1];
      continue;
    }
    if (!inInput) continue;
    if (/^(Input #[1-9]|Output #|Stream mapping:)/.test(line)) break;
    const duration = /^\s+Duration: ([^,]+)(?:, start: [^,]+)?(?:, bitrate: (\d+) kb\/s)?/.exec(line);
    if (duration) {
      probe.durationSeconds = parseDuration(duration[1]);
      probe.bitrateKbps = duration[2] ? Number(duration[2]) : null;
      continue;
    }
    const stream = /^\s+Stream #0:\d+(?:\[[^\]]*\])?(?:\([^)]*\))?: (Video|Audio|Subtitle|Data|Attachment): (.*)$/.exec(line);
    if (stream) {
      lastVideo = null;
      if (stream[1] === "Video") {
        const parsed = parseVideoLine(stream[2]);
        // Cover art in audio files is a one-frame "video" stream; it is not a video.
        if (parsed && !/\(attached pic\)/.test(stream[2])) {
          probe.video.push(parsed);
          lastVideo = parsed;
        }
      } else if (stream[1] === "Audio") {
        probe.audioCodecs.push(stream[2].split(/[\s,]/)[0]);
      }
      continue;
    }
    if (lastVideo) {
      const matrix = /displaymatrix: rotation of (-?\d+(?:\.\d+)?) degrees/.exec(line);
      // The display matrix angle is counter-clockwise; the legacy `rotate` tag is clockwise.
      if (matrix) lastVideo.rotation = normaliseRotation(-Number(matrix[1]));
      const tag = /^\s+rotate\s+:\s+(-?\d+)/.exec(line);
      if (tag) lastVideo.rotation = normaliseRotation(Number(tag[1]));
    }
  }
  return probe;
}

/** Width and height as the video is displayed, after its rotation. */
export function displaySize(stream: ProbedVideoStream): { width: number; height: number } {
  return stream.rotation === 90 || stream.rotation === 270 ? { width: stream.height, height: stream.width } : { width: stream.width, height: stream.height };
}

/** The last meaningful stderr lines, for error messages: ffmpeg puts the reason at the end. */
export function stderrTail(stderr: string, lines = 6): string {
  return stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !/^(frame=|size=|video:|\[libx264 @)/.test(line))
    .slice(-lines)
    .join(" | ");
}
