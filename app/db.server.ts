import { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseUrl } from "./db-url";

declare global {
  // Survives Vite's module reloads in development so connections are not leaked.
  var shotlanePrisma: PrismaClient | undefined;
}

export function createPrismaClient(url = databaseUrl()): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
}

export const prisma: PrismaClient = (globalThis.shotlanePrisma ??= createPrismaClient());
export default prisma;
