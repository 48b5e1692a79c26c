import { describe, expect, it } from "vitest";
import { displaySize, parseDuration, parseProbeOutput, splitTopLevel, stderrTail } from "./ffmpeg-probe";

// Real stderr from the bundled ffmpeg 4.1 build (`ffmpeg -hide_banner -i file`).
const MP4_WITH_AUDIO = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'rot.mp4':
  Metadata:
    major_brand     : isom
    minor_version   : 512
    compatible_brands: isomiso2avc1mp41
    encoder         : Lavf58.24.100
  Duration: 00:00:02.02, start: 0.000000, bitrate: 224 kb/s
    Stream #0:0(und): Video: h264 (Constrained Baseline) (avc1 / 0x31637661), yuv420p, 320x240 [SAR 1:1 DAR 4:3], 140 kb/s, 30 fps, 30 tbr, 15360 tbn, 60 tbc (default)
    Metadata:
      handler_name    : VideoHandler
    Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 73 kb/s (default)
    Metadata:
      handler_name    : SoundHandler
At least one output file must be specified
`;

const MKV = `Input #0, matroska,webm, from 'c.mkv':
  Metadata:
    ENCODER         : Lavf58.24.100
  Duration: 00:00:01.00, start: 0.000000, bitrate: 66 kb/s
    Stream #0:0: Video: h264 (High), yuv420p(tv, bt709/unknown/unknown, progressive), 320x240 [SAR 1:1 DAR 4:3], 25 fps, 25 tbr, 1k tbn, 50 tbc (default)
    Metadata:
      DURATION        : 00:00:01.000000000
At least one output file must be specified
`;

// A phone clip as newer builds print it: rotation in side data, and a legacy rotate tag.
const PHONE = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'IMG_0001.MOV':
  Duration: 00:01:02.50, start: 0.000000, bitrate: 15000 kb/s
    Stream #0:0[0x1](und): Video: hevc (Main) (hvc1 / 0x31637668), yuv420p(tv, bt709), 1920x1080, 14800 kb/s, 29.97 fps, 29.97 tbr, 600 tbn (default)
    Metadata:
      rotate          : 90
    Side data:
      displaymatrix: rotation of -90.00 degrees
    Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 160 kb/s (default)
`;

const GARBAGE = `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x577fb00] moov atom not found
g.bin: Invalid data found when processing input
`;

describe("parseProbeOutput", () => {
  it("reads format, duration, bitrate and streams of an MP4", () => {
    expect(parseProbeOutput(MP4_WITH_AUDIO)).toEqual({
      format: "mov,mp4,m4a,3gp,3g2,mj2",
      durationSeconds: 2.02,
      bitrateKbps: 224,
      video: [{ codec: "h264", pixelFormat: "yuv420p", width: 320, height: 240, fps: 30, rotation: 0 }],
      audioCodecs: ["aac"],
    });
  });

  it("does not take the codec tag 0x31637661 for a size, nor split a pixel format with commas", () => {
    const probe = parseProbeOutput(MKV);
    expect(probe.format).toBe("matroska,webm");
    expect(probe.video).toEqual([{ codec: "h264", pixelFormat: "yuv420p", width: 320, height: 240, fps: 25, rotation: 0 }]);
    expect(probe.audioCodecs).toEqual([]);
  });

  it("reads rotation and fractional frame rates, and reports the displayed size", () => {
    const probe = parseProbeOutput(PHONE);
    expect(probe.durationSeconds).toBeCloseTo(62.5);
    expect(probe.video[0]).toMatchObject({ codec: "hevc", width: 1920, height: 1080, fps: 29.97, rotation: 90 });
    expect(displaySize(probe.video[0])).toEqual({ width: 1080, height: 1920 });
  });

  it("finds nothing in a file ffmpeg cannot open", () => {
    expect(parseProbeOutput(GARBAGE)).toEqual({ format: null, durationSeconds: null, bitrateKbps: null, video: [], audioCodecs: [] });
  });

  it("treats Duration N/A as unknown and skips cover art", () => {
    const probe = parseProbeOutput(`Input #0, mp3, from 'a.mp3':
  Duration: N/A, bitrate: N/A
    Stream #0:0: Audio: mp3, 44100 Hz, stereo, fltp, 128 kb/s
    Stream #0:1: Video: mjpeg (Baseline), yuvj420p(pc, bt470bg/unknown/unknown), 500x500, 90k tbr, 90k tbn, 90k tbc (attached pic)
`);
    expect(probe.durationSeconds).toBeNull();
    expect(probe.video).toEqual([]);
    expect(probe.audioCodecs).toEqual(["mp3"]);
  });

  it("ignores the output section", () => {
    const probe = parseProbeOutput(`${MKV}Output #0, mp4, to 'out.mp4':\n    Stream #0:0: Video: h264 (libx264), yuv420p, 64x64, q=-1--1, 25 fps\n`);
    expect(probe.video).toHaveLength(1);
    expect(probe.video[0].width).toBe(320);
  });
});

describe("helpers", () => {
  it("splitTopLevel keeps parenthesised commas together", () => {
    expect(splitTopLevel("h264 (High), yuv420p(tv, bt709), 320x240 [SAR 1:1, DAR 4:3], 25 fps")).toEqual(["h264 (High)", "yuv420p(tv, bt709)", "320x240 [SAR 1:1, DAR 4:3]", "25 fps"]);
  });

  it("parseDuration reads hh:mm:ss.cc", () => {
    expect(parseDuration("00:10:00.00")).toBe(600);
    expect(parseDuration("01:00:01.5")).toBe(3601.5);
    expect(parseDuration("N/A")).toBeNull();
  });

  it("stderrTail keeps the last meaningful lines without progress or encoder stats", () => {
    expect(stderrTail("frame=  10 fps=0.0\n[libx264 @ 0x1] kb/s:12\nError opening filters!\n\n", 2)).toBe("Error opening filters!");
    expect(stderrTail(GARBAGE, 1)).toBe("g.bin: Invalid data found when processing input");
  });
});
