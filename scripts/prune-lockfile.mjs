#!/usr/bin/env node
// Drops optionalDependencies edges in package-lock.json whose package the lock
// does not hold. This machine's registry serves only linux-x64 builds of
// platform packages (rollup, esbuild, msgpackr…), so `npm install` cannot record
// the others, and `npm ci` then refuses the lock as out of sync.
// Run after every `npm install`: `npm run lock:prune`. See docs/decisions/0006.
import { readFileSync, writeFileSync } from "node:fs";

const file = process.argv[2] ?? "package-lock.json";
const lock = JSON.parse(readFileSync(file, "utf8"));
const packages = lock.packages;

function installed(fromPath, name) {
  let path = fromPath;
  for (;;) {
    if (packages[path ? `${path}/node_modules/${name}` : `node_modules/${name}`]) return true;
    if (!path) return false;
    const cut = path.lastIndexOf("/node_modules/");
    path = cut >= 0 ? path.slice(0, cut) : "";
  }
}

let removed = 0;
for (const [path, meta] of Object.entries(packages)) {
  if (!meta.optionalDependencies) continue;
  for (const name of Object.keys(meta.optionalDependencies)) {
    if (!installed(path, name)) {
      delete meta.optionalDependencies[name];
      removed++;
    }
  }
  if (Object.keys(meta.optionalDependencies).length === 0) delete meta.optionalDependencies;
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`prune-lockfile: removed ${removed} optional edge(s) to packages this registry does not serve`);
