/**
 * Assets in an S3-compatible bucket (AWS S3, R2, MinIO …) through plain
 * fetch and our own SigV4 (./sigv4.ts). Path-style URLs
 * (`<endpoint>/<bucket>/<key>`) because every S3-compatible service accepts
 * them and they need no wildcard DNS.
 */

import { z } from "zod";
import type { FetchLike } from "~/providers/provider";
import { type AssetStore, AssetNotFoundError, AssetStoreError, keyForBytes, parseAssetKey, putAssetOptionsSchema, verifyAssetBytes } from "./asset-store";
import { EMPTY_PAYLOAD_SHA256, signRequest, uriEncode } from "./sigv4";

export const s3AssetStoreConfigSchema = z.object({
  /** "https://s3.eu-west-1.amazonaws.com", "https://<account>.r2.cloudflarestorage.com", "http://127.0.0.1:9000". */
  endpoint: z
    .string()
    .url()
    .refine((value) => /^https?:$/.test(new URL(value).protocol), "endpoint must be an http(s) URL")
    .transform((value) => value.replace(/\/+$/, "")),
  region: z.string().min(1, "region is required, e.g. us-east-1 (R2: auto)"),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "bucket must be a valid S3 bucket name"),
  accessKeyId: z.string().min(1, "accessKeyId is required"),
  secretAccessKey: z.string().min(1, "secretAccessKey is required"),
  /** Where the bucket's objects are publicly readable (a CDN), when they are; enables `url(key)`. */
  publicBaseUrl: z
    .string()
    .url()
    .transform((value) => value.replace(/\/+$/, ""))
    .optional(),
});

export type S3AssetStoreConfig = z.input<typeof s3AssetStoreConfigSchema>;

export interface S3AssetStoreDeps {
  fetch?: FetchLike;
  now?: () => Date;
  /** Per-request timeout; default 60 s. */
  timeoutMs?: number;
}

const s3ErrorSchema = z.object({ code: z.string().min(1), message: z.string() });

/** The Code and Message of an S3 XML error body, when it has them. */
function readS3Error(body: string): z.infer<typeof s3ErrorSchema> | null {
  const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];
  const parsed = s3ErrorSchema.safeParse({ code: field("Code"), message: field("Message") ?? "" });
  return parsed.success ? parsed.data : null;
}

/** What to check when S3 says no, so the operator knows which setting is wrong. */
const HINTS: Record<string, string> = {
  SignatureDoesNotMatch: "check secretAccessKey",
  InvalidAccessKeyId: "check accessKeyId",
  NoSuchBucket: "check bucket",
  AuthorizationHeaderMalformed: "check region",
  RequestTimeTooSkewed: "check the server clock",
  AccessDenied: "check the key's bucket permissions",
};

export function createS3AssetStore(config: S3AssetStoreConfig, deps: S3AssetStoreDeps = {}): AssetStore {
  const settings = s3AssetStoreConfigSchema.parse(config);
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? (() => new Date());
  const timeoutMs = deps.timeoutMs ?? 60_000;

  function objectUrl(key: string): URL {
    return new URL(`${settings.endpoint}/${settings.bucket}/${key.split("/").map((segment) => uriEncode(segment)).join("/")}`);
  }

  async function send(method: "GET" | "PUT" | "HEAD" | "DELETE", key: string, body?: { bytes: Buffer; sha256: string; contentType: string }): Promise<Response> {
    const url = objectUrl(key);
    const signed = signRequest({
      method,
      url,
      headers: body ? { "content-type": body.contentType } : {},
      // For PUT the payload hash is the content address itself.
      payloadHash: body ? body.sha256 : EMPTY_PAYLOAD_SHA256,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      scope: { region: settings.region, service: "s3" },
      date: now(),
    });
    // fetch sets Host itself (to the same url.host that was signed) and refuses it as a request header.
    const { host: _host, ...headers } = signed.headers;
    try {
      return await doFetch(url, { method, headers, body: body ? new Uint8Array(body.bytes) : undefined, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new AssetStoreError(`S3 ${method} ${key} at ${url.host} failed: ${reason}`, { key, code: "network" });
    }
  }

  async function failure(method: string, key: string, response: Response): Promise<AssetStoreError> {
    const s3 = readS3Error(await response.text().catch(() => ""));
    const hint = s3 && HINTS[s3.code] ? ` (${HINTS[s3.code]})` : "";
    const detail = s3 ? ` ${s3.code}: ${s3.message}${hint}` : "";
    return new AssetStoreError(`S3 ${method} ${key} in bucket ${settings.bucket} was refused: ${response.status}${detail}`, { key, status: response.status, code: s3?.code });
  }

  async function exists(key: string): Promise<boolean> {
    parseAssetKey(key);
    const response = await send("HEAD", key);
    if (response.status === 404) return false;
    if (!response.ok) {
      // HEAD answers carry no error body; the same request as GET says which setting is wrong.
      const explained = await send("GET", key);
      if (explained.ok || explained.status === 404) {
        await explained.body?.cancel();
        throw await failure("HEAD", key, response);
      }
      throw await failure("HEAD", key, explained);
    }
    return true;
  }

  const store: AssetStore = {
    async put(bytes, options) {
      const { contentType, extension } = putAssetOptionsSchema.parse(options);
      const { key, sha256 } = keyForBytes(bytes, extension);
      // Content addressing makes "already there" mean "already right": skip the upload.
      if (!(await exists(key))) {
        const response = await send("PUT", key, { bytes, sha256, contentType });
        if (!response.ok) throw await failure("PUT", key, response);
        await response.body?.cancel();
      }
      return { key, bytes: bytes.length, sha256 };
    },

    async get(key) {
      parseAssetKey(key);
      const response = await send("GET", key);
      if (!response.ok) {
        const error = await failure("GET", key, response);
        // A 404 is "no such key" only when S3 says so: NoSuchBucket is a configuration error, not a missing asset.
        if (response.status === 404 && (error.options.code === undefined || error.options.code === "NoSuchKey")) throw new AssetNotFoundError(key);
        throw error;
      }
      const bytes = Buffer.from(await response.arrayBuffer());
      verifyAssetBytes(key, bytes);
      return bytes;
    },

    exists,

    async delete(key) {
      parseAssetKey(key);
      const response = await send("DELETE", key);
      if (!response.ok) {
        const error = await failure("DELETE", key, response);
        // S3 answers 204 whether or not the object existed; some compatibles say 404 NoSuchKey.
        if (!(response.status === 404 && error.options.code === "NoSuchKey")) throw error;
        return;
      }
      await response.body?.cancel();
    },
  };

  const { publicBaseUrl } = settings;
  if (publicBaseUrl !== undefined) {
    store.url = (key) => {
      parseAssetKey(key);
      return `${publicBaseUrl}/${key}`;
    };
  }
  return store;
}
