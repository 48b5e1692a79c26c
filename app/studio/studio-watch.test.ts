import path from "node:path";
import { describe, expect, it } from "vitest";
import { isTemporaryName, parseListObjectsV2, parseWatchLocation, stillBeingWritten, watchKeyOf, watchLocationProblem } from "./studio-watch";

const SHOP = "brand.myshopify.com";

describe("parseWatchLocation", () => {
  it("reads s3://bucket/prefix with the prefix ending in a slash, and folders relative to the working directory", () => {
    expect(parseWatchLocation("s3://drop/studio/brand.myshopify.com", "/srv")).toEqual({ kind: "s3", bucket: "drop", prefix: "studio/brand.myshopify.com/" });
    expect(parseWatchLocation("s3://drop", "/srv")).toEqual({ kind: "s3", bucket: "drop", prefix: "" });
    expect(parseWatchLocation(".data/studio-inbox", "/srv/app")).toEqual({ kind: "local", directory: path.resolve("/srv/app/.data/studio-inbox") });
    expect(parseWatchLocation("/mnt/inbox", "/srv/app")).toEqual({ kind: "local", directory: "/mnt/inbox" });
  });
});

describe("watchLocationProblem", () => {
  it("keeps local folders to the demo and development", () => {
    expect(watchLocationProblem({ kind: "local", directory: "/tmp/x" }, SHOP, { production: false })).toBeNull();
    expect(watchLocationProblem({ kind: "local", directory: "/tmp/x" }, SHOP, { production: true })).toMatch(/demo and in development only: use an s3:\/\/bucket\/prefix/);
  });

  it("wants the shop's own folder in a bucket read with the app's credentials, and never the asset store's files", () => {
    expect(watchLocationProblem({ kind: "s3", bucket: "drop", prefix: "in/brand.myshopify.com/" }, SHOP, { production: true })).toBeNull();
    expect(watchLocationProblem({ kind: "s3", bucket: "drop", prefix: "in/" }, SHOP, { production: true })).toBe("the S3 location must contain a folder named after the shop: use s3://drop/in/brand.myshopify.com/");
    expect(watchLocationProblem({ kind: "s3", bucket: "drop", prefix: "in/other.myshopify.com/" }, SHOP, { production: true })).toMatch(/named after the shop/);
    expect(watchLocationProblem({ kind: "s3", bucket: "Bad_Bucket", prefix: `${SHOP}/` }, SHOP, { production: true })).toMatch(/valid bucket name/);
  });
});

describe("stillBeingWritten", () => {
  const file = { size: 100, modifiedMs: 10_000 };
  it("waits for a file touched moments ago, or not seen unchanged in the previous listing", () => {
    expect(stillBeingWritten(file, file, 11_000, 2000)).toBe("modified moments ago");
    expect(stillBeingWritten(file, undefined, 20_000, 2000)).toBe("first seen in this listing");
    expect(stillBeingWritten(file, { size: 50, modifiedMs: 10_000 }, 20_000, 2000)).toBe("changed since the last listing");
    expect(stillBeingWritten(file, { size: 100, modifiedMs: 10_000 }, 20_000, 2000)).toBeNull();
  });
});

describe("watch keys and temporary names", () => {
  it("changes with the size or the version, so a changed file is a new upload", () => {
    expect(watchKeyOf("a/b.jpg", 10, 5)).toBe("a/b.jpg|10|5");
    expect(watchKeyOf("a/b.jpg", 10, 6)).not.toBe(watchKeyOf("a/b.jpg", 10, 5));
  });

  it("leaves out hidden files and names copy tools write under", () => {
    for (const name of [".DS_Store", "SL-1_front.jpg.part", "x.tmp", "~$doc.jpg", "Thumbs.db", "dir/.hidden.jpg", "SL-1_front.jpg.crdownload"]) expect(isTemporaryName(name), name).toBe(true);
    for (const name of ["SL-1_front.jpg", "a.partial-shot.jpg", "notes.txt"]) expect(isTemporaryName(name), name).toBe(false);
  });
});

describe("parseListObjectsV2", () => {
  const page = (contents: string, tail: string) => `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>drop</Name>${contents}${tail}</ListBucketResult>`;
  const object = (key: string, size: number) => `<Contents><Key>${key}</Key><LastModified>2026-03-01T10:00:00.000Z</LastModified><ETag>&quot;abc${size}&quot;</ETag><Size>${size}</Size><StorageClass>STANDARD</StorageClass></Contents>`;

  it("lists the objects (not folder markers), unescaped, with the next page's token", () => {
    const parsed = parseListObjectsV2(page(object("in/a&amp;b.jpg", 12) + object("in/sub/", 0), "<IsTruncated>true</IsTruncated><NextContinuationToken>tok+1</NextContinuationToken>"));
    expect(parsed).toEqual({ objects: [{ key: "in/a&b.jpg", size: 12, etag: "abc12", lastModified: "2026-03-01T10:00:00.000Z" }], nextToken: "tok+1" });
    expect(parseListObjectsV2(page("", "<IsTruncated>false</IsTruncated>"))).toEqual({ objects: [], nextToken: null });
  });

  it("refuses what is not a listing, and a truncated one without a token", () => {
    expect(() => parseListObjectsV2("<Error><Code>AccessDenied</Code></Error>")).toThrow(/not a ListObjectsV2 answer/);
    expect(() => parseListObjectsV2(page("", "<IsTruncated>true</IsTruncated>"))).toThrow(/no NextContinuationToken/);
  });
});
