import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

/**
 * The real `jobs/worker.ts` as a child process for crash tests: its own
 * process group (so SIGKILL reaches tsx and the node process it runs), on the
 * test file's database, Redis prefix and loopback ports (inherited env), with
 * short queue locks so a killed worker's jobs are taken over within seconds.
 */

export const CRASH_TEST_QUEUE_ENV = { QUEUE_LOCK_MS: "3000", QUEUE_STALLED_INTERVAL_MS: "1000" } as const;

export interface WorkerProcess {
  child: ChildProcess;
  /** Every stdout and stderr line the process wrote. */
  output: string[];
  exited: Promise<void>;
}

/** Worker processes still running, so afterAll can kill what a failed test left. */
export const runningWorkers = new Set<WorkerProcess>();

export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string | (() => string)): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === "function" ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function startWorkerProcess(extraEnv: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [path.join("node_modules", "tsx", "dist", "cli.mjs"), "jobs/worker.ts"], {
    env: { ...process.env, ...CRASH_TEST_QUEUE_ENV, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString("utf8").split("\n").filter(Boolean));
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const worker = { child, output, exited };
  runningWorkers.add(worker);
  await waitUntil(() => output.some((line) => line.startsWith("Shotlane worker started")) || child.exitCode !== null, 60_000, "the worker process to start");
  if (child.exitCode !== null) throw new Error(`the worker process exited with ${child.exitCode}:\n${output.join("\n")}`);
  return worker;
}

export async function stopWorkerProcess(worker: WorkerProcess, signal: "SIGKILL" | "SIGTERM"): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null && worker.child.pid) {
    try {
      process.kill(-worker.child.pid, signal);
    } catch {
      // Already gone.
    }
  }
  await worker.exited;
  runningWorkers.delete(worker);
}
