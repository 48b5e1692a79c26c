import { startDemoStack } from "./lib/demo-stack";

/**
 * `npm run demo`: the whole app on this machine against the local store
 * emulator. Ctrl-C stops everything it started.
 */
const started = Date.now();
try {
  const stack = await startDemoStack({ appPort: Number(process.env.PORT) || 3000, emulatorPort: Number(process.env.EMULATOR_PORT) || 0 });
  console.log(
    [
      "",
      "Shotlane demo is running.",
      `  App (demo shop):   ${stack.appUrl}/app`,
      `  Store emulator:    ${stack.emulatorUrl}`,
      `  Redis:             ${stack.redisUrl}`,
      `  Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Press Ctrl-C to stop.`,
      "",
    ].join("\n"),
  );
  const shutdown = async () => {
    console.log("Stopping the demo…");
    await stack.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
} catch (error) {
  console.error(`\nThe demo could not start:\n${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
