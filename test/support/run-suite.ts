import { spawn } from "node:child_process";
import os from "node:os";

/**
 * `npm test` (docs/decisions/0026-ci-time.md): the type check and the build
 * side by side, then vitest.config.ts's two projects side by side, each in
 * its own Vitest process (its own run id, databases and queue prefixes):
 *
 *   serial    Chromium and whole-stack files, one at a time
 *   parallel  every other file, two at a time (TEST_PARALLEL_WORKERS to change)
 *
 * then, with the machine to itself, the few files whose figures are latencies (ALONE).
 *
 * A browser file keeps about two thirds of a core busy (Chromium, the demo
 * stack's server and worker); the parallel lane's files, which mostly wait,
 * use the rest of the machine meanwhile. Arguments go to both lanes
 * (`npm test -- test/integration`). Exits non-zero when any step fails, as
 * `typecheck && build && vitest run` did; the last line is the combined count.
 */

interface Step {
  name: string;
  command: string;
  args: string[];
}

interface Finished {
  step: Step;
  code: number | null;
  output: string;
  seconds: number;
}

const ANSI = /\u001b\[[0-9;]*m/g;
/** The closing line of test/support/summary-reporter.ts. */
const SUMMARY = /^(\d+) passed, (\d+) failed, (\d+) skipped$/m;
const color = process.stdout.isTTY ? { FORCE_COLOR: "1" } : {};
const parallelWorkers = Number(process.env.TEST_PARALLEL_WORKERS) || Math.max(2, os.availableParallelism() - 1);

/** Runs a step; `echo` gets its output line by line as it comes, else the caller prints it when it ends. */
function run(step: Step, echo?: (line: string) => void): Promise<Finished> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(step.command, step.args, { env: { ...process.env, ...color }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let partial = "";
    const collect = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output += text;
      if (!echo) return;
      const lines = (partial + text).split("\n");
      partial = lines.pop()!;
      for (const line of lines) echo(line);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("error", reject);
    child.once("close", (code) => {
      if (echo && partial) echo(partial);
      resolve({ step, code, output, seconds: (performance.now() - started) / 1000 });
    });
  });
}

const npmScript = (name: string): Step => ({ name, command: "npm", args: ["run", "--silent", name] });
const lane = (project: string, extra: string[]): Step => ({
  name: project,
  command: "node_modules/.bin/vitest",
  args: ["run", "--project", project, "--passWithNoTests", ...extra, ...process.argv.slice(2)],
});
const seconds = (s: number) => `${s.toFixed(1)} s`;
const outcome = (done: Finished) => (done.code === 0 ? "ok" : `failed (exit ${done.code})`);

const started = performance.now();
const checks = await Promise.all([run(npmScript("typecheck")), run(npmScript("build"))]);
for (const done of checks) {
  process.stdout.write(`── ${done.step.name}: ${outcome(done)} in ${seconds(done.seconds)} ──\n`);
  // The build's log is long and says nothing when it works.
  if (done.code !== 0 || done.step.name === "typecheck") process.stdout.write(done.output);
}
if (checks.some((done) => done.code !== 0)) process.exit(1);

/** Files whose figures are latencies under load they make themselves: they run after both lanes, with the machine to themselves. */
const ALONE = ["test/integration/webhook-burst.test.ts"];
const filtered = process.argv.length > 2;
const lanes: Finished[] = await Promise.all([
  // With arguments (a subset) they stay in the serial lane, so a filter naming one of them still runs it.
  run(lane("serial", filtered ? [] : ALONE.map((file) => `--exclude=${file}`)), (line) => process.stdout.write(`serial   │ ${line}\n`)),
  run(lane("parallel", [`--maxWorkers=${parallelWorkers}`]), (line) => process.stdout.write(`parallel │ ${line}\n`)),
]);
if (!filtered) {
  const alone: Step = { name: "alone", command: "node_modules/.bin/vitest", args: ["run", "--project", "serial", ...ALONE] };
  lanes.push(await run(alone, (line) => process.stdout.write(`alone    │ ${line}\n`)));
}

const total = { passed: 0, failed: 0, skipped: 0 };
for (const done of lanes) {
  const counts = SUMMARY.exec(done.output.replace(ANSI, ""));
  process.stdout.write(`── lane ${done.step.name}: ${outcome(done)} in ${seconds(done.seconds)}${counts ? "" : ", without a test summary (the lane stopped early)"} ──\n`);
  if (!counts) continue;
  total.passed += Number(counts[1]);
  total.failed += Number(counts[2]);
  total.skipped += Number(counts[3]);
}
const phases = checks.map((done) => `${done.step.name} ${seconds(done.seconds)}`).join(", ");
// The two lanes side by side, then the files that run alone.
const testSeconds = Math.max(lanes[0]!.seconds, lanes[1]!.seconds) + (lanes[2]?.seconds ?? 0);
process.stdout.write(`── ${phases} (side by side); tests ${seconds(testSeconds)}; all ${seconds((performance.now() - started) / 1000)} ──\n`);
process.stdout.write(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exit(lanes.every((done) => done.code === 0) ? 0 : 1);
