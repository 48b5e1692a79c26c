/**
 * A poller for tests that wait on workers, queues or a browser: it calls
 * `probe` until it returns something truthy and returns that, or throws
 * "timed out waiting for <what>". Each suite sets the timeout and the pause
 * that suit what it waits for; a call may give its own timeout.
 */
export function poller(defaults: { timeoutMs: number; intervalMs: number }) {
  return async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = defaults.timeoutMs): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, defaults.intervalMs));
    }
  };
}
