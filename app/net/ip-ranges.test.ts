import { describe, expect, it } from "vitest";
import { isPublicAddress, nonPublicReason, parseIPv4, parseIPv6 } from "./ip-ranges";

describe("isPublicAddress: IPv4", () => {
  it.each([
    ["0.0.0.0", "this-network"],
    ["0.1.2.3", "this-network"],
    ["10.0.0.1", "private"],
    ["10.255.255.255", "private"],
    ["100.64.0.1", "shared address space (CGNAT)"],
    ["100.127.255.255", "shared address space (CGNAT)"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["169.254.169.254", "link-local"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.0.0.8", "IETF protocol assignments"],
    ["192.0.2.10", "documentation (TEST-NET-1)"],
    ["192.88.99.1", "6to4 relay anycast"],
    ["192.168.1.1", "private"],
    ["198.18.0.1", "benchmarking"],
    ["198.19.255.255", "benchmarking"],
    ["198.51.100.7", "documentation (TEST-NET-2)"],
    ["203.0.113.9", "documentation (TEST-NET-3)"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "reserved"],
  ])("refuses %s (%s)", (ip, reason) => {
    expect(isPublicAddress(ip)).toBe(false);
    expect(nonPublicReason(ip)).toBe(reason);
  });

  it.each(["1.1.1.1", "8.8.8.8", "93.184.216.34", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0", "169.253.255.255", "192.167.255.255", "192.169.0.0", "198.17.255.255", "198.20.0.0", "223.255.255.255", "9.255.255.255", "11.0.0.0", "126.255.255.255", "128.0.0.0"])(
    "allows public %s, including the neighbours of refused ranges",
    (ip) => {
      expect(nonPublicReason(ip)).toBeNull();
      expect(isPublicAddress(ip)).toBe(true);
    },
  );

  it("parses only strict dotted quads", () => {
    expect(parseIPv4("1.2.3.4")).toBe(0x01020304);
    expect(parseIPv4("255.255.255.255")).toBe(0xffffffff);
    for (const bad of ["127.1", "0x7f.0.0.1", "0177.0.0.1", "256.0.0.1", "1.2.3", "1.2.3.4.5", "", "a.b.c.d", " 1.2.3.4"]) expect(parseIPv4(bad)).toBeNull();
  });
});

describe("isPublicAddress: IPv6", () => {
  it.each([
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["[::1]", "loopback"],
    ["fc00::1", "unique local (fc00::/7)"],
    ["fd12:3456:789a::1", "unique local (fc00::/7)"],
    ["fe80::1", "link-local (fe80::/10)"],
    ["fe80::1%eth0", "link-local (fe80::/10)"],
    ["febf:ffff::1", "link-local (fe80::/10)"],
    ["fec0::1", "site-local (fec0::/10)"],
    ["ff02::1", "multicast"],
    ["ff05::1:3", "multicast"],
    ["2001:db8::1", "documentation (2001:db8::/32)"],
    ["2001::1", "IETF protocol assignments (2001::/23, incl. Teredo)"],
    ["2001:1ff::1", "IETF protocol assignments (2001::/23, incl. Teredo)"],
    ["3fff::1", "documentation (3fff::/20)"],
    ["100::1", "outside global unicast (2000::/3)"],
    ["::127.0.0.1", "outside global unicast (2000::/3)"],
    ["64:ff9b:1::1", "outside global unicast (2000::/3)"],
  ])("refuses %s (%s)", (ip, reason) => {
    expect(isPublicAddress(ip)).toBe(false);
    expect(nonPublicReason(ip)).toBe(reason);
  });

  it.each([
    ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
    ["::ffff:7f00:1", "IPv4-mapped loopback"],
    ["::ffff:10.1.2.3", "IPv4-mapped private"],
    ["::ffff:169.254.169.254", "IPv4-mapped link-local"],
    ["0:0:0:0:0:ffff:192.168.0.1", "IPv4-mapped private"],
    ["64:ff9b::127.0.0.1", "NAT64 loopback"],
    ["64:ff9b::a00:1", "NAT64 private"],
    ["2002:7f00:1::", "6to4 loopback"],
    ["2002:a9fe:a9fe::1", "6to4 link-local"],
  ])("looks through %s to the IPv4 address it reaches (%s)", (ip, reason) => {
    expect(nonPublicReason(ip)).toBe(reason);
  });

  it.each(["2606:4700:4700::1111", "2001:4860:4860::8888", "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8", "::ffff:808:808", "64:ff9b::8.8.8.8", "2002:808:808::1", "2001:200::1"])("allows public %s", (ip) => {
    expect(nonPublicReason(ip)).toBeNull();
  });

  it("parses compressed, full and embedded forms to the same bytes", () => {
    const expected = Array.from(parseIPv6("0:0:0:0:0:ffff:7f00:1") ?? []);
    expect(Array.from(parseIPv6("::ffff:127.0.0.1") ?? [])).toEqual(expected);
    expect(Array.from(parseIPv6("::FFFF:7F00:1") ?? [])).toEqual(expected);
    expect(Array.from(parseIPv6("1::") ?? [])).toEqual([0, 1, ...new Array<number>(14).fill(0)]);
    expect(Array.from(parseIPv6("::") ?? [])).toEqual(new Array<number>(16).fill(0));
  });
});

describe("isPublicAddress: not an address", () => {
  it.each(["", "localhost", "example.com", "127.1", "0x7f000001", "2130706433", "1.2.3.4:80", "::1::2", "12345::", "gggg::1", "[127.0.0.1]"])("refuses %j", (text) => {
    expect(isPublicAddress(text)).toBe(false);
  });
});
