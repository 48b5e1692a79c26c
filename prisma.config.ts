import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { databaseUrl } from "./app/db-url";

// Prisma's Rust engines are downloaded at run time, which this project cannot
// rely on (see docs/decisions/0002-prisma-driver-adapter.md). The JS engine with
// the libSQL driver adapter runs migrate, db push and queries fully offline.
// The CLI reads the schema's `env("DATABASE_URL")` to learn the engine type; without
// a value it assumes the library engine and tries to download it. Give it the default.
process.env.DATABASE_URL ??= databaseUrl();

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    return new PrismaLibSQL({ url: databaseUrl() });
  },
});
