import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { env } from "../app/config/env";
import { redisOptionsFromUrl } from "./connection";

let client: Redis | undefined;

function redis(): Redis {
  client ??= new Redis({ ...redisOptionsFromUrl(env().REDIS_URL), maxRetriesPerRequest: 3, lazyConnect: false });
  return client;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` while holding a Redis lock (SET NX PX) that every process of the
 * app shares; others wait for it. The lock expires on its own if its holder
 * dies, and only its holder's token can release it.
 */
export async function withShopLock<T>(name: string, shop: string, work: () => Promise<T>, { ttlMs = 30_000, waitMs = 35_000, renew = false } = {}): Promise<T> {
  const key = `${env().QUEUE_PREFIX}:lock:${name}:${shop}`;
  const token = randomUUID();
  const deadline = Date.now() + waitMs;
  while ((await redis().set(key, token, "PX", ttlMs, "NX")) !== "OK") {
    if (Date.now() > deadline) throw new LockTimeoutError(`Timed out waiting for the ${name} lock of ${shop}`);
    await sleep(50);
  }
  // Long work keeps the lock by extending it (only while it is still ours); a dead holder's lock lapses within ttlMs.
  const renewal = renew
    ? setInterval(() => void redis().eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end", 1, key, token, String(ttlMs)).catch(() => undefined), Math.max(100, Math.floor(ttlMs / 3)))
    : undefined;
  try {
    return await work();
  } finally {
    clearInterval(renewal);
    // Release only our own lock (compare-and-delete).
    await redis().eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, key, token);
  }
}

export class LockTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LockTimeoutError";
  }
}

export async function closeShopLocks(): Promise<void> {
  await client?.quit();
  client = undefined;
}
