import { closeQueues } from "./queues";
import { scheduleRecurringJobs, startWorkers, stopWorkers } from "./workers";
import { env } from "../app/config/env";

// Parse the environment first: a bad variable stops the worker with its name.
env();
const workers = startWorkers();
await scheduleRecurringJobs();
console.info(`Shotlane worker started: ${workers.map((w) => w.name).join(", ")}`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.info(`Shotlane worker: ${signal} received, finishing running jobs…`);
  await stopWorkers(workers);
  await closeQueues();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
