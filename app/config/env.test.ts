import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

const base = { SHOPIFY_API_KEY: "key", SHOPIFY_API_SECRET: "secret", SHOPIFY_APP_URL: "https://app.example.com", SHOTLANE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") };

describe("parseEnv", () => {
  it("accepts a complete environment and fills defaults", () => {
    const env = parseEnv(base);
    expect(env.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(env.demo).toBe(false);
    expect(env.PORT).toBe(3000);
  });

  it("names each missing variable and says how to fix it", () => {
    expect(() => parseEnv({})).toThrow(EnvError);
    try {
      parseEnv({ SHOPIFY_APP_URL: "not a url" });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/SHOPIFY_API_KEY: set it to the app's client id/);
      expect(message).toMatch(/SHOPIFY_API_SECRET/);
      expect(message).toMatch(/SHOPIFY_APP_URL/);
    }
  });

  it("refuses demo mode in production", () => {
    expect(() => parseEnv({ ...base, NODE_ENV: "production", SHOTLANE_DEMO: "1", SHOTLANE_EMULATOR_URL: "http://127.0.0.1:4010" })).toThrow(
      /SHOTLANE_DEMO: demo mode cannot run with NODE_ENV=production/,
    );
  });

  it("requires a loopback emulator URL in demo mode", () => {
    expect(() => parseEnv({ ...base, SHOTLANE_DEMO: "1" })).toThrow(/SHOTLANE_EMULATOR_URL: is required in demo mode/);
    expect(() => parseEnv({ ...base, SHOTLANE_DEMO: "1", SHOTLANE_EMULATOR_URL: "http://10.0.0.5:4010" })).toThrow(/must point at this machine/);
    expect(parseEnv({ ...base, SHOTLANE_DEMO: "1", SHOTLANE_EMULATOR_URL: "http://127.0.0.1:4010" }).demo).toBe(true);
  });

  it("takes a PostgreSQL DATABASE_URL and refuses anything else with the expected form", () => {
    expect(parseEnv({ ...base, DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/shotlane" }).DATABASE_URL).toBe("postgresql://postgres@127.0.0.1:5432/shotlane");
    expect(() => parseEnv({ ...base, DATABASE_URL: "file:./.data/shotlane.db" })).toThrow(/DATABASE_URL: must be a PostgreSQL URL with a database name, such as postgresql:\/\//);
    expect(() => parseEnv({ ...base, DATABASE_URL: "postgresql://127.0.0.1:5432/" })).toThrow(/DATABASE_URL/);
  });

  it("requires a 32-byte base64 encryption key and says how to make one", () => {
    const { SHOTLANE_ENCRYPTION_KEY: _, ...withoutKey } = base;
    expect(() => parseEnv(withoutKey)).toThrow(/SHOTLANE_ENCRYPTION_KEY: set it to 32 random bytes in base64 \(`openssl rand -base64 32`\)/);
    expect(() => parseEnv({ ...base, SHOTLANE_ENCRYPTION_KEY: Buffer.alloc(16).toString("base64") })).toThrow(/must be exactly 32 bytes/);
  });

  it("refuses half an S3 configuration and a fetch allow-list in production", () => {
    expect(() => parseEnv({ ...base, SHOTLANE_S3_BUCKET: "assets" })).toThrow(/SHOTLANE_S3_BUCKET: S3 storage also needs SHOTLANE_S3_ENDPOINT/);
    expect(() => parseEnv({ ...base, NODE_ENV: "production", SHOTLANE_FETCH_ALLOW_ORIGINS: "http://127.0.0.1:1" })).toThrow(/SHOTLANE_FETCH_ALLOW_ORIGINS: is for tests and the demo only/);
  });

  it("defaults the queue lock and stall check to BullMQ's 30 s and refuses values under a second", () => {
    expect(parseEnv(base)).toMatchObject({ QUEUE_LOCK_MS: 30_000, QUEUE_STALLED_INTERVAL_MS: 30_000 });
    expect(parseEnv({ ...base, QUEUE_LOCK_MS: "2000", QUEUE_STALLED_INTERVAL_MS: "1000" })).toMatchObject({ QUEUE_LOCK_MS: 2000, QUEUE_STALLED_INTERVAL_MS: 1000 });
    expect(() => parseEnv({ ...base, QUEUE_LOCK_MS: "500" })).toThrow(/QUEUE_LOCK_MS: must be at least 1000 ms/);
    expect(() => parseEnv({ ...base, QUEUE_STALLED_INTERVAL_MS: "soon" })).toThrow(/QUEUE_STALLED_INTERVAL_MS: must be a number of milliseconds/);
  });

  it("rejects a malformed port and demo shop", () => {
    expect(() => parseEnv({ ...base, PORT: "eighty" })).toThrow(/PORT/);
    expect(() => parseEnv({ ...base, SHOTLANE_DEMO_SHOP: "evil.example.com" })).toThrow(/SHOTLANE_DEMO_SHOP: must be a myshopify domain/);
  });
});
