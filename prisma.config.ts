import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { databaseUrl } from "./app/db-url";

// Prisma's Rust engines are downloaded at run time, which this project cannot
// rely on (see docs/decisions/0002-prisma-driver-adapter.md). The JS engine with
// the libSQL driver adapter runs migrate, db push and queries fully offline.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    return new PrismaLibSQL({ url: databaseUrl() });
  },
});
