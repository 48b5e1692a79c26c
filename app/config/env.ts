import { z } from "zod";

/**
 * Every environment variable Shotlane reads, parsed once at start-up.
 * A missing or malformed variable stops the process with a message that names
 * it and says how to fix it.
 */
const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    SHOPIFY_API_KEY: z.string({ error: "set it to the app's client id (`shopify app env show`)" }).min(1, "must not be empty: set it to the app's client id"),
    SHOPIFY_API_SECRET: z.string({ error: "set it to the app's client secret (`shopify app env show`)" }).min(1, "must not be empty: set it to the app's client secret"),
    SHOPIFY_APP_URL: z.url({ error: "set it to the app's public URL, e.g. https://shotlane.example.com" }),
    SCOPES: z.string().optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/[^/]+\/[^/?]+/, "must be a PostgreSQL URL with a database name, such as postgresql://postgres@127.0.0.1:5432/shotlane")
      .optional(),
    REDIS_URL: z.url({ error: "set it to a Redis URL such as redis://127.0.0.1:6379" }).default("redis://127.0.0.1:6379"),
    /** BullMQ key prefix; tests give each run its own so queues never mix. */
    QUEUE_PREFIX: z.string().regex(/^[a-z0-9-]+$/, "use lowercase letters, digits and dashes only").default("shotlane"),
    /** How often a bulk catalog sync polls Shopify for its export (ms). */
    BULK_POLL_MS: z.coerce.number({ error: "must be a number of milliseconds" }).int().min(10).max(60_000).default(1000),
    /** How often a generation polls its provider when the provider gives no hint (ms). */
    PRODUCTION_POLL_MS: z.coerce.number({ error: "must be a number of milliseconds" }).int().min(10).max(60_000).default(2000),
    /**
     * How long a worker's lock on a running job lasts before another worker may
     * take the job over, and how often workers look for such stalled jobs (ms).
     * BullMQ's 30 s defaults suit production; tests that kill a worker shorten them.
     */
    QUEUE_LOCK_MS: z.coerce.number({ error: "must be a number of milliseconds" }).int().min(1000, "must be at least 1000 ms").max(600_000).default(30_000),
    QUEUE_STALLED_INTERVAL_MS: z.coerce.number({ error: "must be a number of milliseconds" }).int().min(1000, "must be at least 1000 ms").max(600_000).default(30_000),
    /** How often the worker lists each shop's watched studio location (ms); tests shorten it. */
    STUDIO_WATCH_MS: z.coerce.number({ error: "must be a number of milliseconds" }).int().min(200, "must be at least 200 ms").max(3_600_000).default(30_000),
    SHOP_CUSTOM_DOMAIN: z.string().optional(),
    PORT: z.coerce.number({ error: "must be a port number" }).int().min(0).max(65535).default(3000),
    /** Demo mode: the demo shop's Admin API requests go to the local store emulator. */
    SHOTLANE_DEMO: z.enum(["0", "1"], { error: "must be 1 (demo mode on) or 0" }).default("0"),
    SHOTLANE_DEMO_SHOP: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be a myshopify domain such as shotlane-demo.myshopify.com").default("shotlane-demo.myshopify.com"),
    SHOTLANE_EMULATOR_URL: z.url({ error: "set it to the store emulator's URL, e.g. http://127.0.0.1:4010" }).optional(),
    /** 32 random bytes, base64: encrypts provider credentials at rest (AES-256-GCM). */
    SHOTLANE_ENCRYPTION_KEY: z
      .string({ error: "set it to 32 random bytes in base64 (`openssl rand -base64 32`); it encrypts provider keys at rest" })
      .refine((v) => Buffer.from(v, "base64").length === 32 && /^[A-Za-z0-9+/]+={0,2}$/.test(v), "must be exactly 32 bytes in base64 (`openssl rand -base64 32`)"),
    /** Where generated files are stored (content-addressed); S3 settings below replace it when SHOTLANE_S3_BUCKET is set. */
    SHOTLANE_ASSET_DIR: z.string().min(1).default(".data/assets"),
    SHOTLANE_S3_ENDPOINT: z.url({ error: "set it to the S3-compatible endpoint, e.g. https://s3.eu-west-1.amazonaws.com" }).optional(),
    SHOTLANE_S3_REGION: z.string().min(1).default("us-east-1"),
    SHOTLANE_S3_BUCKET: z.string().min(1).optional(),
    SHOTLANE_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    SHOTLANE_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    /** Origins the fetch policy lets through despite being loopback/http: the provider doubles in tests. Refused in production. */
    SHOTLANE_FETCH_ALLOW_ORIGINS: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.SHOTLANE_S3_BUCKET && (!env.SHOTLANE_S3_ENDPOINT || !env.SHOTLANE_S3_ACCESS_KEY_ID || !env.SHOTLANE_S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({ code: "custom", path: ["SHOTLANE_S3_BUCKET"], message: "S3 storage also needs SHOTLANE_S3_ENDPOINT, SHOTLANE_S3_ACCESS_KEY_ID and SHOTLANE_S3_SECRET_ACCESS_KEY" });
    }
    if (env.SHOTLANE_FETCH_ALLOW_ORIGINS && env.NODE_ENV === "production") {
      ctx.addIssue({ code: "custom", path: ["SHOTLANE_FETCH_ALLOW_ORIGINS"], message: "is for tests and the demo only: unset it in production" });
    }
    if (env.SHOTLANE_DEMO !== "1") return;
    if (env.NODE_ENV === "production") {
      ctx.addIssue({ code: "custom", path: ["SHOTLANE_DEMO"], message: "demo mode cannot run with NODE_ENV=production: unset SHOTLANE_DEMO" });
    }
    if (!env.SHOTLANE_EMULATOR_URL) {
      ctx.addIssue({ code: "custom", path: ["SHOTLANE_EMULATOR_URL"], message: "is required in demo mode: start the emulator (`npm run demo` does) and set its URL" });
    } else if (!isLoopbackUrl(env.SHOTLANE_EMULATOR_URL)) {
      ctx.addIssue({ code: "custom", path: ["SHOTLANE_EMULATOR_URL"], message: "must point at this machine (127.0.0.1, localhost or [::1]) in demo mode" });
    }
  });

export type Env = z.infer<typeof envSchema> & { demo: boolean };

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Shotlane cannot start; fix these environment variables:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`));
  }
  return { ...result.data, demo: result.data.SHOTLANE_DEMO === "1" };
}

export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

let cached: Env | undefined;

/** The parsed environment of this process (parsed on first use, then cached). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
