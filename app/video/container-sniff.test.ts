import { describe, expect, it } from "vitest";
import { sniffVideoContainer } from "./container-sniff";

const mp4Head = Buffer.from("0000001c6674797069736f6d0000020069736f6d", "hex"); // size 28, "ftyp", brand isom
const webmHead = Buffer.from("1a45dfa39f4286810142f7810142f2", "hex");

describe("sniffVideoContainer", () => {
  it("recognises MP4/MOV by a leading ftyp, moov, mdat or wide box", () => {
    expect(sniffVideoContainer(mp4Head)).toBe("mov");
    expect(sniffVideoContainer(Buffer.from("0000000877696465000000006d646174", "hex"))).toBe("mov"); // QuickTime "wide" then mdat
  });

  it("recognises Matroska and WebM by the EBML magic", () => {
    expect(sniffVideoContainer(webmHead)).toBe("matroska");
  });

  it("refuses images, text playlists and random bytes", () => {
    expect(sniffVideoContainer(Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"))).toBeNull(); // PNG
    expect(sniffVideoContainer(Buffer.from("#EXTM3U\n#EXT-X-VERSION:3\n"))).toBeNull(); // HLS playlist
    expect(sniffVideoContainer(Buffer.from("ffconcat version 1.0\nfile /etc/passwd"))).toBeNull();
    expect(sniffVideoContainer(Buffer.from("GIF89a0123456789"))).toBeNull();
  });

  it("refuses a box name with an impossible size, and too-short input", () => {
    expect(sniffVideoContainer(Buffer.from("000000056674797069736f6d", "hex"))).toBeNull(); // "ftyp" of size 5
    expect(sniffVideoContainer(mp4Head.subarray(0, 8))).toBeNull();
  });
});
