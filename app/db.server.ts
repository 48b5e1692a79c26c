import { PrismaClient } from "@prisma/client";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { databaseUrl } from "./db-url";

declare global {
  // Survives Vite's module reloads in development so connections are not leaked.
  var shotlanePrisma: PrismaClient | undefined;
}

export function createPrismaClient(url = databaseUrl()): PrismaClient {
  return new PrismaClient({ adapter: new PrismaLibSQL({ url }) });
}

export const prisma: PrismaClient = (globalThis.shotlanePrisma ??= createPrismaClient());
export default prisma;

/**
 * SQLite is shared by the web process and the worker: WAL lets readers run
 * beside a writer, and the busy timeout makes a writer wait instead of failing.
 */
export async function prepareDatabase(db: PrismaClient = prisma): Promise<void> {
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$queryRawUnsafe("PRAGMA busy_timeout = 10000");
  await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
}
