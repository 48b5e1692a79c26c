import { describe, expect, it } from "vitest";
import {
  MAX_STUDIO_UPLOAD_BYTES,
  fileExtension,
  formatBytes,
  isAbandonedUpload,
  nextChunk,
  parseChunkOffset,
  progressPercent,
  retryDelayMs,
  studioUploadStartSchema,
  uploadProgressText,
  uploadSourceKey,
} from "./upload-chunks";

const start = (fields: Record<string, unknown>) => studioUploadStartSchema.safeParse({ name: "SL-DRS-00042-BLK-M_front.jpg", size: 1234, type: "image/jpeg", lastModified: 1_700_000_000_000, ...fields });
const messages = (result: ReturnType<typeof start>) => (result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));

describe("studioUploadStartSchema", () => {
  it("accepts a studio still and normalises the type", () => {
    expect(start({ type: "IMAGE/JPEG" })).toMatchObject({ success: true, data: { name: "SL-DRS-00042-BLK-M_front.jpg", size: 1234, type: "image/jpeg", lastModified: 1_700_000_000_000 } });
    expect(start({ name: "SKU-1_front.TIF", type: "" })).toMatchObject({ success: true, data: { type: null } });
    expect(start({ type: undefined, lastModified: undefined })).toMatchObject({ success: true, data: { type: null, lastModified: 0 } });
    expect(start({ size: MAX_STUDIO_UPLOAD_BYTES }).success).toBe(true);
  });

  it("accepts studio clips (the intake normalises them) in any case of extension", () => {
    for (const name of ["SKU-1_video.mp4", "SKU-1_video.MOV", "SKU-1_video.m4v", "SKU-1_video.webm"]) {
      expect(start({ name, type: "video/mp4", size: 250_000_000 })).toMatchObject({ success: true, data: { name } });
    }
  });

  it("refuses names with folders, control characters, no or a foreign extension, naming the fix", () => {
    expect(messages(start({ name: "shoot/a_front.jpg" }))).toEqual(["name: name must not contain / or \\: send the file name without its folder"]);
    expect(messages(start({ name: "C:\\shoot\\a_front.jpg" }))[0]).toMatch(/^name: name must not contain/);
    expect(messages(start({ name: "a\u0007_front.jpg" }))).toEqual(["name: name contains control characters: rename the file"]);
    expect(messages(start({ name: "notes.pdf" }))).toEqual(["name: .pdf is not accepted: upload images or videos (.jpg, .jpeg, .png, .tif, .tiff, .webp, .avif, .mp4, .mov, .m4v, .webm)"]);
    expect(messages(start({ name: "SKU-1_front.HEIC" }))).toEqual(["name: .heic is not accepted: HEIC photos are not taken in; export stills as JPEG or TIFF"]);
    expect(messages(start({ name: "SKU-1_front.heif" }))).toEqual(["name: .heif is not accepted: HEIC photos are not taken in; export stills as JPEG or TIFF"]);
    expect(messages(start({ name: "README" }))[0]).toMatch(/^name: a file without an extension is not accepted/);
    expect(messages(start({ name: "" }))[0]).toBe("name: name is empty: send the file's name");
    expect(messages(start({ name: `${"x".repeat(252)}.jpg` }))[0]).toBe("name: name is longer than 255 characters: shorten the file name");
  });

  it("refuses empty, fractional and oversized files", () => {
    expect(messages(start({ size: 0 }))).toEqual(["size: the file is empty (0 bytes): export it again"]);
    expect(messages(start({ size: 1.5 }))).toEqual(["size: size must be a whole number of bytes"]);
    expect(messages(start({ size: MAX_STUDIO_UPLOAD_BYTES + 1 }))).toEqual(["size: the file is larger than 500 MB: export it smaller"]);
    expect(messages(start({ size: "12" }))).toEqual(["size: size must be the file's size in bytes"]);
    expect(messages(start({ type: "jpeg image" }))).toEqual(["type: type must look like image/jpeg"]);
  });
});

describe("chunk helpers", () => {
  it("keys a file by name, size and modification time", () => {
    expect(uploadSourceKey({ name: "a_front.jpg", size: 10, lastModified: 5 })).toBe("a_front.jpg:10:5");
  });

  it("cuts chunks from the server's offset and stops at the end", () => {
    expect(nextChunk(20, 0, 8)).toEqual({ start: 0, end: 8 });
    expect(nextChunk(20, 16, 8)).toEqual({ start: 16, end: 20 });
    expect(nextChunk(20, 20, 8)).toBeNull();
    expect(nextChunk(20, 25, 8)).toBeNull();
    expect(() => nextChunk(20, 0, 0)).toThrow(RangeError);
  });

  it("parses the offset parameter or says what to send", () => {
    expect(parseChunkOffset("0")).toEqual({ ok: true, offset: 0 });
    expect(parseChunkOffset("8388608")).toEqual({ ok: true, offset: 8_388_608 });
    expect(parseChunkOffset(null)).toEqual({ ok: false, error: "offset is required: send ?offset=<bytes already uploaded>" });
    for (const bad of ["-1", "1.5", "abc", "1e3"]) expect(parseChunkOffset(bad)).toEqual({ ok: false, error: "offset must be a whole number of bytes, e.g. ?offset=0" });
  });

  it("backs off exponentially with a cap and bounded jitter", () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(attempt, { baseMs: 500, maxMs: 10_000 }, 0.5))).toEqual([500, 1000, 2000, 4000, 8000, 10_000]);
    expect(retryDelayMs(1, { baseMs: 1000 }, 0)).toBe(750);
    expect(retryDelayMs(1, { baseMs: 1000 }, 0.999)).toBe(1250);
  });

  it("calls an upload abandoned after a day without a chunk", () => {
    const now = new Date("2026-11-20T12:00:00Z");
    expect(isAbandonedUpload(new Date("2026-11-19T11:59:59Z"), now)).toBe(true);
    expect(isAbandonedUpload(new Date("2026-11-19T12:00:00Z"), now)).toBe(false);
  });

  it("extracts extensions", () => {
    expect(fileExtension("A_front.JPG")).toBe("jpg");
    expect(fileExtension(".hidden")).toBe("");
    expect(fileExtension("noext")).toBe("");
    expect(fileExtension("trailing.")).toBe("");
  });
});

describe("progress wording", () => {
  it("formats sizes in decimal units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(412_000_000)).toBe("412 MB");
    expect(formatBytes(1_100_000_000)).toBe("1.1 GB");
    expect(formatBytes(15_400)).toBe("15.4 KB");
  });

  it("says how many files and bytes are done", () => {
    expect(uploadProgressText({ filesDone: 37, filesTotal: 200, bytesDone: 412_000_000, bytesTotal: 1_100_000_000 })).toBe("37 of 200 files, 412 MB of 1.1 GB");
    expect(uploadProgressText({ filesDone: 0, filesTotal: 1, bytesDone: 0, bytesTotal: 2000, failed: 1, paused: 0 })).toBe("0 of 1 file, 0 B of 2 KB · 1 failed");
    expect(progressPercent(37, 200)).toBe(18);
    expect(progressPercent(0, 0)).toBe(100);
  });
});
