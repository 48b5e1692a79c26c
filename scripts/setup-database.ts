import { databaseUrl } from "../app/db-url";
import { migrateDatabase } from "./lib/database";

// `npm run setup`: create the database when it is missing, then apply every committed migration.
const url = databaseUrl();
await migrateDatabase(url);
console.info(`Database ready: ${new URL(url).host}/${new URL(url).pathname.slice(1)}`);
