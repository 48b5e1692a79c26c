/**
 * A minimal S3-compatible server for tests: path-style PUT/GET/HEAD/DELETE
 * of objects held in memory and ListObjectsV2 of the bucket (prefix, pages of
 * max-keys with continuation tokens), on 127.0.0.1 with a random (or given) port. It verifies
 * every request's SigV4 signature the way S3 does (recomputed with the known
 * secret) and answers S3's XML errors, so a wrong key or a signing bug fails
 * the test instead of passing silently.
 */

import { createHash, timingSafeEqual } from "node:crypto";
import type http from "node:http";
import { canonicalRequest, parseAuthorization, signature } from "~/storage/sigv4";
import { startDoubleServer, type DoubleServerOptions } from "./double-server";

export interface S3DoubleObject {
  body: Buffer;
  contentType: string;
  /** How many PUTs wrote this key: lets tests prove an idempotent put wrote once. */
  writes: number;
  /** When it was last written (listings report it); objects a test sets directly may leave it out. */
  lastModified?: Date;
}

export interface S3Double {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  objects: Map<string, S3DoubleObject>;
  /** Every request as seen, with the status answered. */
  log: { method: string; path: string; status: number; code?: string }[];
  close(): Promise<void>;
}

export interface S3DoubleOptions extends DoubleServerOptions {
  region?: string;
  bucket?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** The double's clock, for skew checks. */
  now?: () => Date;
}

const MAX_SKEW_MS = 15 * 60 * 1000;

function xmlError(code: string, message: string, resource: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><Resource>${resource}</Resource><RequestId>double</RequestId></Error>`;
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** ListObjectsV2 as S3 answers it: keys in UTF-8 binary order, at most max-keys per page, an opaque continuation token. */
function listObjectsV2(bucket: string, objects: Map<string, S3DoubleObject>, query: URLSearchParams, etag: (object: S3DoubleObject) => string): string {
  const prefix = query.get("prefix") ?? "";
  const maxKeys = Math.max(1, Math.min(1000, Number(query.get("max-keys") ?? 1000) || 1000));
  const token = query.get("continuation-token");
  const after = token ? Buffer.from(token, "base64url").toString("utf8") : (query.get("start-after") ?? "");
  const keys = [...objects.keys()].filter((key) => key.startsWith(prefix) && key > after).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const page = keys.slice(0, maxKeys);
  const truncated = keys.length > page.length;
  const contents = page
    .map((key) => {
      const object = objects.get(key)!;
      return `<Contents><Key>${escapeXml(key)}</Key><LastModified>${(object.lastModified ?? new Date(0)).toISOString()}</LastModified><ETag>${escapeXml(etag(object))}</ETag><Size>${object.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
    })
    .join("");
  const next = truncated ? `<NextContinuationToken>${Buffer.from(page[page.length - 1]!).toString("base64url")}</NextContinuationToken>` : "";
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${token ? `<ContinuationToken>${escapeXml(token)}</ContinuationToken>` : ""}${next}${contents}</ListBucketResult>`;
}

function amzDateToMs(value: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi, s] = match;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}

export async function startS3Double(options: S3DoubleOptions = {}): Promise<S3Double> {
  const region = options.region ?? "us-east-1";
  const bucket = options.bucket ?? "shotlane-test";
  const accessKeyId = options.accessKeyId ?? "AKIDSHOTLANETEST";
  const secretAccessKey = options.secretAccessKey ?? "shotlane-test-secret-key";
  const now = options.now ?? (() => new Date());
  const objects = new Map<string, S3DoubleObject>();
  const log: S3Double["log"] = [];

  /** The S3 error code a request deserves, or null when it is properly signed. */
  function authenticate(req: http.IncomingMessage, body: Buffer): { status: number; code: string; message: string } | null {
    const header = req.headers.authorization;
    const auth = typeof header === "string" ? parseAuthorization(header) : null;
    if (!auth) return { status: 403, code: "AccessDenied", message: "Missing or malformed AWS4-HMAC-SHA256 Authorization header" };
    if (auth.accessKeyId !== accessKeyId) return { status: 403, code: "InvalidAccessKeyId", message: "The AWS Access Key Id you provided does not exist in our records." };
    const amzDate = req.headers["x-amz-date"];
    if (typeof amzDate !== "string" || auth.dateStamp !== amzDate.slice(0, 8)) return { status: 403, code: "AccessDenied", message: "x-amz-date missing or not the credential's date" };
    if (!(Math.abs(amzDateToMs(amzDate) - now().getTime()) <= MAX_SKEW_MS)) return { status: 403, code: "RequestTimeTooSkewed", message: "The difference between the request time and the current time is too large." };
    if (auth.region !== region || auth.service !== "s3") return { status: 400, code: "AuthorizationHeaderMalformed", message: `the region '${auth.region}' is wrong; expecting '${region}'` };
    for (const required of ["host", "x-amz-date", "x-amz-content-sha256"]) {
      if (!auth.signedHeaders.includes(required)) return { status: 403, code: "AccessDenied", message: `${required} must be signed` };
    }
    const payloadHash = req.headers["x-amz-content-sha256"];
    if (typeof payloadHash !== "string" || payloadHash !== createHash("sha256").update(body).digest("hex")) {
      return { status: 400, code: "XAmzContentSHA256Mismatch", message: "The provided 'x-amz-content-sha256' header does not match what was computed." };
    }
    const signedHeaders: Record<string, string> = {};
    for (const name of auth.signedHeaders) {
      const value = req.headers[name];
      if (value === undefined) return { status: 403, code: "AccessDenied", message: `signed header ${name} is missing` };
      signedHeaders[name] = Array.isArray(value) ? value.join(",") : value;
    }
    const target = new URL(req.url ?? "/", "http://double");
    const canonical = canonicalRequest({ method: req.method ?? "GET", pathname: target.pathname, search: target.search, headers: signedHeaders, payloadHash });
    const expected = Buffer.from(signature(secretAccessKey, amzDate, { region, service: "s3" }, canonical));
    const given = Buffer.from(auth.signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return { status: 403, code: "SignatureDoesNotMatch", message: "The request signature we calculated does not match the signature you provided. Check your key and signing method." };
    }
    return null;
  }

  const server = await startDoubleServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = new URL(req.url ?? "/", "http://double").pathname;
      const method = req.method ?? "GET";
      const answer = (status: number, headers: Record<string, string>, payload?: Buffer | string, code?: string) => {
        log.push({ method, path, status, code });
        res.writeHead(status, headers);
        res.end(method === "HEAD" ? undefined : payload);
      };
      const fail = (status: number, code: string, message: string) => answer(status, { "content-type": "application/xml" }, xmlError(code, message, path), code);

      const denied = authenticate(req, body);
      if (denied) return fail(denied.status, denied.code, denied.message);

      const [, bucketName, ...keyParts] = path.split("/");
      if (bucketName !== bucket) return fail(404, "NoSuchBucket", "The specified bucket does not exist");
      const key = keyParts.map((part) => decodeURIComponent(part)).join("/");
      const etag = (object: S3DoubleObject) => `"${createHash("md5").update(object.body).digest("hex")}"`;
      if (key === "") {
        const query = new URL(req.url ?? "/", "http://double").searchParams;
        if (method === "GET" && query.get("list-type") === "2") return answer(200, { "content-type": "application/xml" }, listObjectsV2(bucket, objects, query, etag));
        return fail(400, "InvalidRequest", "This double serves objects and ListObjectsV2 (list-type=2) only");
      }
      const stored = objects.get(key);

      switch (method) {
        case "PUT": {
          const object = { body, contentType: req.headers["content-type"] ?? "binary/octet-stream", writes: (stored?.writes ?? 0) + 1, lastModified: new Date() };
          objects.set(key, object);
          return answer(200, { etag: etag(object) });
        }
        case "GET":
        case "HEAD":
          if (!stored) return fail(404, "NoSuchKey", "The specified key does not exist.");
          return answer(200, { "content-type": stored.contentType, "content-length": String(stored.body.length), etag: etag(stored) }, stored.body);
        case "DELETE":
          objects.delete(key);
          return answer(204, {});
        default:
          return fail(405, "MethodNotAllowed", `${method} is not supported by the double`);
      }
    });
  }, { port: options.port });

  return {
    endpoint: server.origin,
    region,
    bucket,
    accessKeyId,
    secretAccessKey,
    objects,
    log,
    close: () => server.close(),
  };
}
