/**
 * AWS Signature Version 4 for S3-compatible storage, header-based signing
 * only. Pure (hashing, no I/O) so it can be checked against AWS's published
 * example and reused by the S3 test double to verify requests.
 *
 * Written here instead of pulling in the AWS SDK: four object calls do not
 * justify the SDK's size and dependency tree.
 */

import { createHash, createHmac } from "node:crypto";

export const ALGORITHM = "AWS4-HMAC-SHA256";
/** sha256 of the empty string: the payload hash of GET, HEAD and DELETE. */
export const EMPTY_PAYLOAD_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SigV4Scope {
  region: string;
  service: string;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/** "20130524T000000Z" */
export function toAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** RFC 3986 percent-encoding as SigV4 wants it: only A-Z a-z 0-9 - _ . ~ stay literal. */
export function uriEncode(text: string, encodeSlash = true): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(char) || (char === "/" && !encodeSlash)) out += char;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function decodeOrKeep(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The canonical URI for S3: each path segment encoded once (S3 does not
 * double-encode or normalise "." segments). Accepts a path as the URL parser
 * or an HTTP request line gives it, already percent-encoded in its own way.
 */
export function canonicalUri(pathname: string): string {
  if (pathname === "") return "/";
  return pathname
    .split("/")
    .map((segment) => uriEncode(decodeOrKeep(segment)))
    .join("/");
}

/** Sorted, encoded query string; "?acl" becomes "acl=". */
export function canonicalQuery(search: string): string {
  const query = search.startsWith("?") ? search.slice(1) : search;
  if (query === "") return "";
  return query
    .split("&")
    .filter((pair) => pair !== "")
    .map((pair) => {
      const equals = pair.indexOf("=");
      const name = equals === -1 ? pair : pair.slice(0, equals);
      const value = equals === -1 ? "" : pair.slice(equals + 1);
      const decode = (text: string) => decodeOrKeep(text.replace(/\+/g, " "));
      return [uriEncode(decode(name)), uriEncode(decode(value))] as const;
    })
    .sort(([aName, aValue], [bName, bValue]) => (aName === bName ? (aValue < bValue ? -1 : aValue > bValue ? 1 : 0) : aName < bName ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

/** Lower-cased names, trimmed values with inner runs of spaces collapsed, sorted by name. */
export function canonicalHeaders(headers: Readonly<Record<string, string>>): { canonical: string; signedHeaders: string } {
  const entries = Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase().trim(), value.trim().replace(/\s+/g, " ")] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    canonical: entries.map(([name, value]) => `${name}:${value}\n`).join(""),
    signedHeaders: entries.map(([name]) => name).join(";"),
  };
}

export interface CanonicalRequestInput {
  method: string;
  pathname: string;
  search: string;
  /** Exactly the headers to sign. */
  headers: Readonly<Record<string, string>>;
  payloadHash: string;
}

export function canonicalRequest(input: CanonicalRequestInput): string {
  const { canonical, signedHeaders } = canonicalHeaders(input.headers);
  return [input.method.toUpperCase(), canonicalUri(input.pathname), canonicalQuery(input.search), canonical, signedHeaders, input.payloadHash].join("\n");
}

export function credentialScope(amzDate: string, scope: SigV4Scope): string {
  return `${amzDate.slice(0, 8)}/${scope.region}/${scope.service}/aws4_request`;
}

export function stringToSign(amzDate: string, scope: SigV4Scope, canonical: string): string {
  return [ALGORITHM, amzDate, credentialScope(amzDate, scope), sha256Hex(canonical)].join("\n");
}

export function signingKey(secretAccessKey: string, dateStamp: string, scope: SigV4Scope): Buffer {
  const dateKey = hmac(`AWS4${secretAccessKey}`, dateStamp);
  const regionKey = hmac(dateKey, scope.region);
  const serviceKey = hmac(regionKey, scope.service);
  return hmac(serviceKey, "aws4_request");
}

export function signature(secretAccessKey: string, amzDate: string, scope: SigV4Scope, canonical: string): string {
  return createHmac("sha256", signingKey(secretAccessKey, amzDate.slice(0, 8), scope)).update(stringToSign(amzDate, scope, canonical), "utf8").digest("hex");
}

export interface SignRequestInput {
  method: string;
  url: URL;
  /** Extra headers to sign (content-type, range …); host, x-amz-date and x-amz-content-sha256 are added. */
  headers?: Readonly<Record<string, string>>;
  payloadHash: string;
  credentials: SigV4Credentials;
  scope: SigV4Scope;
  date: Date;
}

export interface SignedRequest {
  /** Every header to send, authorization included. `host` is listed because it is signed; fetch sets the same value itself. */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

export function signRequest(input: SignRequestInput): SignedRequest {
  const amzDate = toAmzDate(input.date);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value;
  headers.host = input.url.host;
  headers["x-amz-date"] = amzDate;
  headers["x-amz-content-sha256"] = input.payloadHash;
  const canonical = canonicalRequest({ method: input.method, pathname: input.url.pathname, search: input.url.search, headers, payloadHash: input.payloadHash });
  const toSign = stringToSign(amzDate, input.scope, canonical);
  const sig = signature(input.credentials.secretAccessKey, amzDate, input.scope, canonical);
  const { signedHeaders } = canonicalHeaders(headers);
  headers.authorization = `${ALGORITHM} Credential=${input.credentials.accessKeyId}/${credentialScope(amzDate, input.scope)},SignedHeaders=${signedHeaders},Signature=${sig}`;
  return { headers, canonicalRequest: canonical, stringToSign: toSign, signature: sig };
}

export interface ParsedAuthorization {
  accessKeyId: string;
  dateStamp: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Reads an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header; null when malformed. */
export function parseAuthorization(header: string): ParsedAuthorization | null {
  const match = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})$/.exec(header.trim());
  if (!match) return null;
  const parts = match[1].split("/");
  if (parts.length !== 5 || parts[4] !== "aws4_request" || !/^\d{8}$/.test(parts[1])) return null;
  const [accessKeyId, dateStamp, region, service] = parts;
  return { accessKeyId, dateStamp, region, service, signedHeaders: match[2].split(";"), signature: match[3] };
}
