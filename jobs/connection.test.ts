import { describe, expect, it } from "vitest";
import { redisOptionsFromUrl } from "./connection";

describe("redisOptionsFromUrl", () => {
  it("parses host, port, credentials and db", () => {
    expect(redisOptionsFromUrl("redis://user:p%40ss@cache.internal:6380/2")).toEqual({ host: "cache.internal", port: 6380, username: "user", password: "p@ss", db: 2 });
  });
  it("defaults the port and enables TLS for rediss://", () => {
    expect(redisOptionsFromUrl("rediss://cache.internal")).toEqual({ host: "cache.internal", port: 6379, tls: {} });
  });
  it("refuses another scheme with a message naming REDIS_URL", () => {
    expect(() => redisOptionsFromUrl("http://127.0.0.1:6379")).toThrow(/REDIS_URL must start with redis:\/\//);
  });
});
