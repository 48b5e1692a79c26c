import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AssetStore, AssetNotFoundError, AssetStoreError, InvalidAssetKeyError } from "~/storage/asset-store";
import { createLocalAssetStore } from "~/storage/local-asset-store.server";
import { createS3AssetStore } from "~/storage/s3-asset-store.server";
import { type S3Double, startS3Double } from "../doubles/s3-double";

/** One implementation under test, with the backdoors the shared suite needs. */
interface Subject {
  store: AssetStore;
  /** Changes whenever the stored object is (re)written. */
  writeStamp(key: string): Promise<string>;
  /** Replaces the stored bytes behind the store's back. */
  corrupt(key: string, bytes: Buffer): Promise<void>;
  cleanup(): Promise<void>;
}

let double: S3Double | undefined;

const implementations: { name: string; create(): Promise<Subject> }[] = [
  {
    name: "local directory",
    async create() {
      const root = await mkdtemp(path.join(tmpdir(), "shotlane-assets-"));
      return {
        store: createLocalAssetStore({ root }),
        // A rename-into-place gives a new inode, so an unchanged inode and mtime mean no second write.
        writeStamp: async (key) => {
          const info = await stat(path.join(root, key));
          return `${info.ino}:${info.mtimeMs}`;
        },
        corrupt: (key, bytes) => writeFile(path.join(root, key), bytes),
        cleanup: () => rm(root, { recursive: true, force: true }),
      };
    },
  },
  {
    name: "S3 (signed requests to the S3 double)",
    async create() {
      const s3 = await startS3Double();
      double = s3;
      return {
        store: createS3AssetStore({ endpoint: s3.endpoint, region: s3.region, bucket: s3.bucket, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }),
        writeStamp: async (key) => String(s3.objects.get(key)?.writes),
        corrupt: async (key, bytes) => {
          const object = s3.objects.get(key);
          if (object) object.body = bytes;
        },
        cleanup: async () => {
          await s3.close();
          double = undefined;
        },
      };
    },
  },
];

const PNG_BYTES = Buffer.from("\x89PNG\r\n\x1a\n pretend image bytes", "latin1");
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe.each(implementations)("AssetStore: $name", ({ create }) => {
  let subject: Subject;
  beforeEach(async () => {
    subject = await create();
  });
  afterEach(async () => {
    await subject.cleanup();
  });

  it("puts bytes under their content address and gets them back", async () => {
    const stored = await subject.store.put(PNG_BYTES, { contentType: "image/png", extension: "png" });
    const hash = sha256(PNG_BYTES);
    expect(stored).toEqual({ key: `sha256/${hash.slice(0, 2)}/${hash}.png`, bytes: PNG_BYTES.length, sha256: hash });
    expect(await subject.store.exists(stored.key)).toBe(true);
    expect((await subject.store.get(stored.key)).equals(PNG_BYTES)).toBe(true);
  });

  it("writes the same bytes once, however often they are put", async () => {
    const first = await subject.store.put(PNG_BYTES, { contentType: "image/png", extension: "png" });
    const stamp = await subject.writeStamp(first.key);
    const again = await subject.store.put(Buffer.from(PNG_BYTES), { contentType: "image/png", extension: "PNG" });
    expect(again).toEqual(first);
    expect(await subject.writeStamp(first.key)).toBe(stamp);
  });

  it("gives different bytes or extensions different keys", async () => {
    const a = await subject.store.put(Buffer.from("one"), { contentType: "image/jpeg", extension: "jpg" });
    const b = await subject.store.put(Buffer.from("two"), { contentType: "image/jpeg", extension: "jpg" });
    const c = await subject.store.put(Buffer.from("one"), { contentType: "video/mp4", extension: "mp4" });
    expect(new Set([a.key, b.key, c.key]).size).toBe(3);
    expect((await subject.store.get(b.key)).toString()).toBe("two");
  });

  it("deletes, and treats a missing key as absent rather than an error", async () => {
    const { key } = await subject.store.put(PNG_BYTES, { contentType: "image/png", extension: "png" });
    await subject.store.delete(key);
    expect(await subject.store.exists(key)).toBe(false);
    await expect(subject.store.get(key)).rejects.toThrow(AssetNotFoundError);
    await expect(subject.store.delete(key)).resolves.toBeUndefined();
  });

  it("refuses keys that are not content addresses, before touching storage", async () => {
    const hash = sha256(PNG_BYTES);
    for (const key of ["../../etc/passwd", `sha256/${hash.slice(0, 2)}/../../../x.png`, `sha256/zz/${hash}.png`, `sha256/${hash.slice(0, 2)}/${hash}.png/../x`]) {
      await expect(subject.store.get(key)).rejects.toThrow(InvalidAssetKeyError);
      await expect(subject.store.exists(key)).rejects.toThrow(InvalidAssetKeyError);
      await expect(subject.store.delete(key)).rejects.toThrow(InvalidAssetKeyError);
    }
    if (double) expect(double.log).toEqual([]);
  });

  it("refuses bad put options with the field named", async () => {
    await expect(subject.store.put(PNG_BYTES, { contentType: "image/png", extension: "../png" })).rejects.toThrow(/extension/);
    await expect(subject.store.put(PNG_BYTES, { contentType: "image/png\r\nx: y", extension: "png" })).rejects.toThrow(/contentType/);
  });

  it("notices stored bytes that no longer match their key", async () => {
    const { key } = await subject.store.put(PNG_BYTES, { contentType: "image/png", extension: "png" });
    await subject.corrupt(key, Buffer.from("tampered"));
    await expect(subject.store.get(key)).rejects.toThrow(AssetStoreError);
    await expect(subject.store.get(key)).rejects.toThrow(/is corrupt/);
  });
});

describe("local asset store specifics", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "shotlane-assets-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("lays files out by key and leaves no temp files, even under concurrent puts of the same bytes", async () => {
    const store = createLocalAssetStore({ root });
    const results = await Promise.all(Array.from({ length: 8 }, () => store.put(PNG_BYTES, { contentType: "image/png", extension: "png" })));
    const { key } = results[0];
    expect(new Set(results.map((result) => result.key))).toEqual(new Set([key]));
    const dir = path.join(root, path.dirname(key));
    expect(await readdir(dir)).toEqual([path.basename(key)]);
  });
});

describe("S3 asset store specifics", () => {
  let s3: S3Double;
  beforeEach(async () => {
    s3 = await startS3Double();
  });
  afterEach(async () => {
    await s3.close();
  });

  const config = () => ({ endpoint: s3.endpoint, region: s3.region, bucket: s3.bucket, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });

  it("sends the content type and a signed payload hash equal to the content address", async () => {
    const store = createS3AssetStore(config());
    const { key } = await store.put(PNG_BYTES, { contentType: "image/png", extension: "png" });
    expect(s3.objects.get(key)?.contentType).toBe("image/png");
    expect(s3.log.map(({ method, status }) => `${method} ${status}`)).toEqual(["HEAD 404", "PUT 200"]);
    expect(s3.log[1].path).toBe(`/${s3.bucket}/${key}`);
  });

  it("is refused by S3 with a clear error when the secret is wrong", async () => {
    const store = createS3AssetStore({ ...config(), secretAccessKey: "tampered-secret" });
    const error = await store.put(PNG_BYTES, { contentType: "image/png", extension: "png" }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(AssetStoreError);
    expect((error as AssetStoreError).options).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
    expect((error as AssetStoreError).message).toMatch(/^S3 HEAD .* was refused: 403 SignatureDoesNotMatch: .*\(check secretAccessKey\)$/);
    expect(s3.objects.size).toBe(0);

    const get = await store.get(`sha256/${sha256(PNG_BYTES).slice(0, 2)}/${sha256(PNG_BYTES)}.png`).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect((get as AssetStoreError).message).toBe(
      `S3 GET sha256/${sha256(PNG_BYTES).slice(0, 2)}/${sha256(PNG_BYTES)}.png in bucket ${s3.bucket} was refused: 403 SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. Check your key and signing method. (check secretAccessKey)`,
    );
    expect(s3.log.every((entry) => entry.code === "SignatureDoesNotMatch")).toBe(true);
  });

  it("names the setting to fix for a wrong access key, bucket or region", async () => {
    const key = (await createS3AssetStore(config()).put(PNG_BYTES, { contentType: "image/png", extension: "png" })).key;
    await expect(createS3AssetStore({ ...config(), accessKeyId: "AKIDWRONG" }).get(key)).rejects.toThrow(/InvalidAccessKeyId.*check accessKeyId/);
    await expect(createS3AssetStore({ ...config(), bucket: "other-bucket" }).get(key)).rejects.toThrow(/NoSuchBucket.*check bucket/);
    await expect(createS3AssetStore({ ...config(), bucket: "other-bucket" }).delete(key)).rejects.toThrow(/NoSuchBucket/);
    await expect(createS3AssetStore({ ...config(), region: "eu-west-1" }).get(key)).rejects.toThrow(/AuthorizationHeaderMalformed.*check region/);
  });

  it("is refused when its clock is far off", async () => {
    const store = createS3AssetStore(config(), { now: () => new Date(Date.now() - 60 * 60 * 1000) });
    await expect(store.get(`sha256/${sha256(PNG_BYTES).slice(0, 2)}/${sha256(PNG_BYTES)}.png`)).rejects.toThrow(/RequestTimeTooSkewed/);
  });

  it("gives public URLs only when a public base URL is configured", async () => {
    expect(createS3AssetStore(config()).url).toBeUndefined();
    const store = createS3AssetStore({ ...config(), publicBaseUrl: "https://cdn.example.test/assets/" });
    const hash = sha256(PNG_BYTES);
    expect(store.url?.(`sha256/${hash.slice(0, 2)}/${hash}.png`)).toBe(`https://cdn.example.test/assets/sha256/${hash.slice(0, 2)}/${hash}.png`);
  });

  it("refuses an incomplete configuration, naming the field", () => {
    expect(() => createS3AssetStore({ ...config(), secretAccessKey: "" })).toThrow(/secretAccessKey is required/);
    expect(() => createS3AssetStore({ ...config(), endpoint: "ftp://x" })).toThrow(/endpoint/);
  });
});
