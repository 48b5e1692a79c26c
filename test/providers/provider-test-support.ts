import { ProviderError, type GenerationProvider, type PollResult, type ProviderContext, type SubmittedJob } from "~/providers/provider";

/** What the adapters get in production: the real fetch, with a per-call timeout. */
export function providerContext(timeoutMs: number): ProviderContext {
  return { fetch: (input, init) => fetch(input, init), timeoutMs };
}

/** The ProviderError `promise` rejects with; anything else (resolving, another error) fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw new Error(`expected a ProviderError, got ${String(error)}`, { cause: error });
  }
  throw new Error("expected a ProviderError, but the promise resolved");
}

/** Polls until the job is no longer pending, and how many polls that took. */
export async function pollToEnd(provider: GenerationProvider, job: SubmittedJob, maxPolls = 10): Promise<{ result: PollResult; polls: number }> {
  for (let polls = 1; polls <= maxPolls; polls++) {
    const result = await provider.poll(job);
    if (result.state !== "pending") return { result, polls };
  }
  throw new Error(`job ${job.providerJobId} still pending after ${maxPolls} polls`);
}

export async function pollUntilDone(provider: GenerationProvider, job: SubmittedJob, maxPolls = 10): Promise<PollResult> {
  return (await pollToEnd(provider, job, maxPolls)).result;
}

/** Runs `use` against a double of its own (other options than the suite's) and closes it whatever happens. */
export async function withDouble<Double extends { close(): Promise<void> }>(started: Promise<Double>, use: (double: Double) => Promise<void>): Promise<void> {
  const double = await started;
  try {
    await use(double);
  } finally {
    await double.close();
  }
}
