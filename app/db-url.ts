/**
 * The SQLite database URL shared by the app, the worker and Prisma's CLI.
 * Zero setup: defaults to a file under .data/ in the project.
 */
export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL && env.DATABASE_URL.length > 0 ? env.DATABASE_URL : "file:./.data/shotlane.db";
}
