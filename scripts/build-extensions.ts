import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { parse } from "smol-toml";
import { z } from "zod";

/**
 * `npm run build:extensions`: bundles and minifies every admin UI extension's
 * module (extensions/<name>/shopify.extension.toml, type ui_extension) with
 * esbuild into extensions/<name>/dist/<Module>.js, as Shopify CLI does before
 * upload, and refuses a bundle over Shopify's 64 KB limit for admin UI
 * extensions. Extensions without a module (Flow triggers and actions) are
 * skipped.
 */

export const BUNDLE_LIMIT_BYTES = 64 * 1024;
export const EXTENSIONS_DIR = "extensions";

const tomlSchema = z.object({
  // Flow extensions may leave it out; a ui_extension must have it (checked below).
  api_version: z.string().optional(),
  extensions: z
    .array(
      z.object({
        handle: z.string({ error: "extensions.handle: give the extension a handle" }),
        type: z.string({ error: "extensions.type: e.g. \"ui_extension\"" }),
        targeting: z.array(z.object({ target: z.string(), module: z.string().optional() })).optional(),
      }),
    )
    .min(1, "extensions: declare at least one [[extensions]] block"),
});

export interface ExtensionModule {
  /** The extension's folder name under extensions/. */
  folder: string;
  handle: string;
  apiVersion: string;
  target: string;
  /** Path from the repository root. */
  entry: string;
}

/** Every ui_extension module declared under extensions/, from their toml files. */
export function uiExtensionModules(root = EXTENSIONS_DIR): ExtensionModule[] {
  const modules: ExtensionModule[] = [];
  for (const folder of readdirSync(root).sort()) {
    const tomlFile = path.join(root, folder, "shopify.extension.toml");
    if (!statSync(path.join(root, folder)).isDirectory() || !existsSync(tomlFile)) continue;
    const parsed = tomlSchema.safeParse(parse(readFileSync(tomlFile, "utf8")));
    if (!parsed.success) throw new Error(`${tomlFile}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "file"}: ${i.message}`).join("; ")}`);
    for (const extension of parsed.data.extensions) {
      if (extension.type !== "ui_extension") continue;
      const apiVersion = parsed.data.api_version;
      if (!apiVersion) throw new Error(`${tomlFile}: api_version is missing: set it to the app's Admin API version (app/shopify/api-version.ts), e.g. "2026-10"`);
      for (const targeting of extension.targeting ?? []) {
        if (!targeting.module) throw new Error(`${tomlFile}: target ${targeting.target} has no module: point it at its source file, e.g. module = "./src/BlockExtension.tsx"`);
        modules.push({ folder, handle: extension.handle, apiVersion, target: targeting.target, entry: path.join(root, folder, targeting.module) });
      }
    }
  }
  return modules;
}

export interface BuiltBundle extends ExtensionModule {
  outfile: string;
  bytes: number;
}

/** Builds each module to `<outRoot>/<folder>/dist/<Module>.js` (outRoot defaults to extensions/ itself). */
export async function buildExtensions(options: { root?: string; outRoot?: string } = {}): Promise<BuiltBundle[]> {
  const root = options.root ?? EXTENSIONS_DIR;
  const outRoot = options.outRoot ?? root;
  const built: BuiltBundle[] = [];
  for (const module of uiExtensionModules(root)) {
    const outfile = path.join(outRoot, module.folder, "dist", `${path.basename(module.entry).replace(/\.[jt]sx?$/, "")}.js`);
    await build({
      entryPoints: [module.entry],
      outfile,
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      target: "es2020",
      jsx: "automatic",
      jsxImportSource: "preact",
      legalComments: "none",
      define: { "process.env.NODE_ENV": '"production"' },
      logLevel: "silent",
    });
    built.push({ ...module, outfile, bytes: statSync(outfile).size });
  }
  return built;
}

async function main() {
  const bundles = await buildExtensions();
  for (const b of bundles) console.info(`${b.outfile}  ${(b.bytes / 1024).toFixed(1)} KB  (${b.target})`);
  const over = bundles.filter((b) => b.bytes > BUNDLE_LIMIT_BYTES);
  if (over.length > 0) {
    console.error(`Over Shopify's 64 KB limit for admin UI extensions: ${over.map((b) => `${b.outfile} (${b.bytes} bytes)`).join(", ")}. Drop dependencies from the bundle (no zod in extensions).`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
