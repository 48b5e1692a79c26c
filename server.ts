import path from "node:path";
import { pathToFileURL } from "node:url";
import compression from "compression";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { env } from "./app/config/env";

/**
 * Serves the production build (`npm run build`). HOST defaults to loopback in
 * demo mode; a deployment sets HOST=0.0.0.0 behind its proxy.
 */
const config = env();
const host = process.env.HOST || (config.demo ? "127.0.0.1" : "0.0.0.0");
if (config.demo && host !== "127.0.0.1" && host !== "localhost" && host !== "::1") {
  throw new Error(`HOST=${host}: demo mode listens on loopback only; unset HOST or set it to 127.0.0.1`);
}

const build = (await import(pathToFileURL(path.resolve("build/server/index.js")).href)) as ServerBuild;
const app = express();
app.disable("x-powered-by");
app.use(compression());
app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
app.use(express.static("build/client", { maxAge: "1h" }));
app.all("*", createRequestHandler({ build, mode: "production" }));

const server = app.listen(config.PORT, host, () => console.log(`Shotlane app listening on http://${host}:${config.PORT}`));
const shutdown = () => server.close(() => process.exit(0));
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
