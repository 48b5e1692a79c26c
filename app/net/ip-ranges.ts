/**
 * Which IP addresses a server-side fetch may connect to. Pure: no DNS, no I/O.
 *
 * The rule is an allow-list of "globally reachable unicast" rather than a
 * list of bad ranges on top of "anything goes", so an address form nobody
 * thought of is refused instead of reached. Sources: IANA's IPv4 and IPv6
 * Special-Purpose Address Registries (RFC 6890 and successors).
 */

import { isIP } from "node:net";

interface V4Range {
  base: number;
  bits: number;
  name: string;
}

function v4(cidr: string, name: string): V4Range {
  const [address, bits] = cidr.split("/");
  const base = parseIPv4(address);
  if (base === null) throw new Error(`bad range ${cidr}`);
  return { base, bits: Number(bits), name };
}

const NON_PUBLIC_V4: readonly V4Range[] = [
  v4("0.0.0.0/8", "this-network"),
  v4("10.0.0.0/8", "private"),
  v4("100.64.0.0/10", "shared address space (CGNAT)"),
  v4("127.0.0.0/8", "loopback"),
  v4("169.254.0.0/16", "link-local"),
  v4("172.16.0.0/12", "private"),
  v4("192.0.0.0/24", "IETF protocol assignments"),
  v4("192.0.2.0/24", "documentation (TEST-NET-1)"),
  v4("192.31.196.0/24", "AS112"),
  v4("192.52.193.0/24", "AMT"),
  v4("192.88.99.0/24", "6to4 relay anycast"),
  v4("192.168.0.0/16", "private"),
  v4("192.175.48.0/24", "AS112 direct delegation"),
  v4("198.18.0.0/15", "benchmarking"),
  v4("198.51.100.0/24", "documentation (TEST-NET-2)"),
  v4("203.0.113.0/24", "documentation (TEST-NET-3)"),
  v4("224.0.0.0/4", "multicast"),
  v4("240.0.0.0/4", "reserved"), // includes 255.255.255.255 broadcast
];

/** Strict dotted-quad only: "127.1" or "0x7f.0.0.1" are not addresses here (the URL parser normalises those first). */
export function parseIPv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

/** Sixteen bytes of an IPv6 address, or null. Accepts "::" compression, an embedded dotted quad, and drops a zone id ("%eth0"). */
export function parseIPv6(text: string): Uint8Array | null {
  let input = text;
  const zone = input.indexOf("%");
  if (zone !== -1) input = input.slice(0, zone);
  if (input.startsWith("[") && input.endsWith("]")) input = input.slice(1, -1);
  if (isIP(input) !== 6) return null;

  // Rewrite an embedded dotted quad ("::ffff:1.2.3.4") as its two hex groups.
  const lastColon = input.lastIndexOf(":");
  const last = input.slice(lastColon + 1);
  if (last.includes(".")) {
    const quad = parseIPv4(last);
    if (quad === null) return null;
    input = `${input.slice(0, lastColon + 1)}${(quad >>> 16).toString(16)}:${(quad & 0xffff).toString(16)}`;
  }

  const halves = input.split("::");
  if (halves.length > 2) return null;
  const groups = (part: string) => (part === "" ? [] : part.split(":").map((g) => parseInt(g, 16)));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const explicit = head.length + rest.length;
  if (halves.length === 1 && explicit !== 8) return null;
  if (explicit > 8) return null;
  const words = [...head, ...new Array<number>(halves.length === 2 ? 8 - explicit : 0).fill(0), ...rest];
  if (words.length !== 8 || words.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffff)) return null;

  const bytes = new Uint8Array(16);
  words.forEach((word, i) => {
    bytes[i * 2] = word >> 8;
    bytes[i * 2 + 1] = word & 0xff;
  });
  return bytes;
}

function v4FromBytes(bytes: Uint8Array, offset: number): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[], bits: number): boolean {
  for (let bit = 0; bit < bits; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((bytes[byte] & mask) !== ((prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}

function classifyV4(address: string): string | null {
  const value = parseIPv4(address);
  if (value === null) return "not an IPv4 address";
  for (const range of NON_PUBLIC_V4) {
    const shift = 32 - range.bits;
    // Division instead of >>> because shift can be 32 for a /0 and JS shifts wrap.
    if (Math.floor(value / 2 ** shift) === Math.floor(range.base / 2 ** shift)) return range.name;
  }
  return null;
}

function classifyV6(bytes: Uint8Array): string | null {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  // IPv4-mapped ::ffff:a.b.c.d: the socket really goes to the IPv4 address.
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) {
    const inner = classifyV4(v4FromBytes(bytes, 12));
    return inner === null ? null : `IPv4-mapped ${inner}`;
  }
  if (zeros(0, 15) && bytes[15] === 0) return "unspecified";
  if (zeros(0, 15) && bytes[15] === 1) return "loopback";
  // NAT64 well-known prefix 64:ff9b::/96 translates to the embedded IPv4 address.
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b], 96)) {
    const inner = classifyV4(v4FromBytes(bytes, 12));
    return inner === null ? null : `NAT64 ${inner}`;
  }
  // 6to4 2002::/16 reaches the IPv4 address in bits 16-47.
  if (startsWith(bytes, [0x20, 0x02], 16)) {
    const inner = classifyV4(v4FromBytes(bytes, 2));
    return inner === null ? null : `6to4 ${inner}`;
  }
  if (startsWith(bytes, [0xfc], 7)) return "unique local (fc00::/7)";
  if (startsWith(bytes, [0xfe, 0x80], 10)) return "link-local (fe80::/10)";
  if (startsWith(bytes, [0xfe, 0xc0], 10)) return "site-local (fec0::/10)";
  if (startsWith(bytes, [0xff], 8)) return "multicast";
  // Everything public lives in global unicast 2000::/3; the rest (::/96 IPv4-compatible, 100::/64 discard, 64:ff9b:1::/48 …) is refused.
  if (!startsWith(bytes, [0x20], 3)) return "outside global unicast (2000::/3)";
  if (startsWith(bytes, [0x20, 0x01, 0x0d, 0xb8], 32)) return "documentation (2001:db8::/32)";
  if (startsWith(bytes, [0x20, 0x01, 0x00, 0x00], 23)) return "IETF protocol assignments (2001::/23, incl. Teredo)";
  if (startsWith(bytes, [0x3f, 0xff], 20)) return "documentation (3fff::/20)";
  return null;
}

/**
 * Why an address is not public ("loopback", "private", "IPv4-mapped link-local" …),
 * or null when it is a globally reachable unicast address. Anything that does
 * not parse is reported, never treated as public.
 */
export function nonPublicReason(ip: string): string | null {
  const family = isIP(ip.includes("%") ? ip.slice(0, ip.indexOf("%")) : ip.replace(/^\[|\]$/g, ""));
  if (family === 4) return classifyV4(ip);
  if (family === 6) {
    const bytes = parseIPv6(ip);
    return bytes === null ? "not an IP address" : classifyV6(bytes);
  }
  return "not an IP address";
}

/** True only for globally reachable unicast IPv4/IPv6 addresses. */
export function isPublicAddress(ip: string): boolean {
  return nonPublicReason(ip) === null;
}
