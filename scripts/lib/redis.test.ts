import { describe, expect, it } from "vitest";
import { freePort, redisPing } from "./net";
import { RedisNotFoundError, resolveRedis } from "./redis";

describe("resolveRedis (how the demo finds Redis)", () => {
  it("uses REDIS_URL when it answers, and says so when it does not", async () => {
    const handle = await resolveRedis({ REDIS_URL: "redis://127.0.0.1:6379" });
    expect(handle.url).toBe("redis://127.0.0.1:6379");
    expect(handle.child).toBeUndefined();
    await expect(resolveRedis({ REDIS_URL: "redis://127.0.0.1:1" })).rejects.toThrow(/REDIS_URL is set to redis:\/\/127\.0\.0\.1:1 but no Redis answers there/);
  });

  it("starts a private redis-server on a free port when nothing answers on the default port", async () => {
    const unused = await freePort();
    const handle = await resolveRedis({ PATH: process.env.PATH }, unused);
    expect(handle.child).toBeDefined();
    const port = Number(new URL(handle.url).port);
    expect(await redisPing("127.0.0.1", port)).toBe(true);
    await handle.stop();
    expect(await redisPing("127.0.0.1", port)).toBe(false);
  });

  it("explains how to install Redis when there is none at all", async () => {
    const unused = await freePort();
    const error = await resolveRedis({ PATH: "/nonexistent" }, unused).catch((e: unknown) => e);
    // With PATH emptied for the check, redis-server cannot be found.
    if (error instanceof RedisNotFoundError) expect(error.message).toMatch(/apt-get install redis-server/);
    else throw new Error(`expected RedisNotFoundError, got ${String(error)}`);
  });
});
