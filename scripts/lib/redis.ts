import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { freePort, redisPing, waitFor } from "./net";

export interface RedisHandle {
  url: string;
  /** Set when this script started redis-server itself; stop() ends it. */
  child?: ChildProcess;
  stop(): Promise<void>;
}

export class RedisNotFoundError extends Error {
  constructor(port: number) {
    super(
      `Shotlane needs Redis for its background jobs, and none was found: nothing answers on 127.0.0.1:${port} and \`redis-server\` is not on PATH.\n` +
        "Install it (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`), or set REDIS_URL to a running Redis, then run `npm run demo` again.",
    );
    this.name = "RedisNotFoundError";
  }
}

/**
 * REDIS_URL if set (it must answer), else Redis on 127.0.0.1:6379, else a
 * private redis-server from PATH on a free loopback port that keeps nothing on disk.
 */
export async function resolveRedis(env: Record<string, string | undefined> = process.env, defaultPort = 6379): Promise<RedisHandle> {
  if (env.REDIS_URL) {
    const url = new URL(env.REDIS_URL);
    if (!(await redisPing(url.hostname, Number(url.port || 6379)))) {
      throw new Error(`REDIS_URL is set to ${env.REDIS_URL} but no Redis answers there. Start it, or unset REDIS_URL to let the demo find or start one.`);
    }
    return { url: env.REDIS_URL, stop: async () => undefined };
  }
  if (await redisPing("127.0.0.1", defaultPort)) return { url: `redis://127.0.0.1:${defaultPort}`, stop: async () => undefined };
  if (spawnSync("redis-server", ["--version"], { stdio: "ignore", env: env as NodeJS.ProcessEnv }).status !== 0) throw new RedisNotFoundError(defaultPort);
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore", env: env as NodeJS.ProcessEnv });
  await waitFor(() => redisPing("127.0.0.1", port), { timeoutMs: 10_000, what: `redis-server on port ${port}` });
  return {
    url: `redis://127.0.0.1:${port}`,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
