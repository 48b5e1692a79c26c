/**
 * The PostgreSQL URL shared by the app, the worker and Prisma's CLI.
 * Defaults to a `shotlane` database on the local server (trust auth), which
 * `ensureDatabase` creates on first start.
 */
export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/shotlane";

export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL && env.DATABASE_URL.length > 0 ? env.DATABASE_URL : DEFAULT_DATABASE_URL;
}

/** The same server's URL with another database name (the maintenance database by default). */
export function withDatabase(url: string, database = "postgres"): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** The database name of a PostgreSQL URL. */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}
