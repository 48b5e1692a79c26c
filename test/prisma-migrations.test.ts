import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { withDatabase } from "../app/db-url";
import { dropDatabase, ensureDatabase } from "../scripts/lib/database";

/** Columns (type, nullability, default) and indexes of a database's public schema, as comparable text. */
async function describeSchema(url: string): Promise<{ columns: string[]; indexes: string[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query<{ line: string }>(
      `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS line
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY 1`,
    );
    const indexes = await client.query<{ line: string }>(`SELECT indexdef AS line FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1`);
    return { columns: columns.rows.map((r) => r.line), indexes: indexes.rows.map((r) => r.line) };
  } finally {
    await client.end();
  }
}

const fromSchemaUrl = withDatabase(process.env.DATABASE_URL!, `shotlane_schema_check_${randomUUID().slice(0, 8)}`);
afterAll(() => dropDatabase(fromSchemaUrl));

describe("committed migrations", () => {
  it("build the database schema.prisma describes: a schema change without its migration fails here", async () => {
    // This file's database was built by `prisma migrate deploy`; build a second one straight from schema.prisma.
    const script = execFileSync(path.join("node_modules", ".bin", "prisma"), ["migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script"], {
      env: { ...process.env, CHECKPOINT_DISABLE: "1" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    await ensureDatabase(fromSchemaUrl);
    const client = new pg.Client({ connectionString: fromSchemaUrl });
    await client.connect();
    await client.query(script);
    await client.end();

    const migrated = await describeSchema(process.env.DATABASE_URL!);
    const declared = await describeSchema(fromSchemaUrl);
    expect(migrated.columns).toEqual(declared.columns);
    // The migrations add what schema.prisma cannot say (docs/decisions/0002): exactly the partial unique index.
    expect(migrated.indexes.filter((i) => !declared.indexes.includes(i))).toEqual([expect.stringContaining("SyncRun_one_active_per_shop")]);
    expect(declared.indexes.filter((i) => !migrated.indexes.includes(i))).toEqual([]);
  });
});
