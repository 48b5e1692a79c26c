import { z } from "zod";
import { throttleWaitMs, type QueryCost } from "./throttle";

/** The part of shopify-app-remix's AdminApiContext that Shotlane's services use. */
export interface AdminGraphqlClient {
  graphql(query: string, options?: { variables?: Record<string, unknown> }): Promise<Response>;
}

export class AdminApiError extends Error {
  constructor(message: string, readonly details?: unknown) {
    super(message);
    this.name = "AdminApiError";
  }
}

const costSchema = z
  .object({
    requestedQueryCost: z.number(),
    actualQueryCost: z.number().nullable().optional(),
    throttleStatus: z.object({ maximumAvailable: z.number(), currentlyAvailable: z.number(), restoreRate: z.number() }),
  })
  .optional();

type GraphqlErrorLike = { message?: string; extensions?: { code?: string } };

interface ThrottledErrorShape {
  body?: { errors?: { graphQLErrors?: GraphqlErrorLike[] }; extensions?: { cost?: unknown } };
}

function throttledCost(error: unknown): QueryCost | null | undefined {
  const body = (error as ThrottledErrorShape | null)?.body;
  const throttled = body?.errors?.graphQLErrors?.some((e) => e.extensions?.code === "THROTTLED");
  if (!throttled) return undefined;
  const parsed = costSchema.safeParse(body?.extensions?.cost);
  return parsed.success && parsed.data ? parsed.data : null;
}

export interface AdminQueryOptions {
  variables?: Record<string, unknown>;
  /** How many THROTTLED answers to wait out before giving up. */
  maxThrottleRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  onThrottle?: (waitMs: number, cost: QueryCost | null) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs one Admin GraphQL operation and parses `data` with a zod schema.
 * A THROTTLED answer is not a failure: it waits as long as the leaky bucket
 * (read from the response, never hard-coded) needs, then asks again.
 */
export async function adminQuery<T>(
  client: AdminGraphqlClient,
  query: string,
  dataSchema: z.ZodType<T>,
  options: AdminQueryOptions = {},
): Promise<{ data: T; cost?: QueryCost }> {
  const sleep = options.sleep ?? defaultSleep;
  const maxRetries = options.maxThrottleRetries ?? 20;
  for (let attempt = 0; ; attempt++) {
    let body: unknown;
    try {
      const response = await client.graphql(query, { variables: options.variables });
      body = await response.json();
    } catch (error) {
      const cost = throttledCost(error);
      if (cost === undefined || attempt >= maxRetries) throw error;
      const waitMs = throttleWaitMs(cost);
      options.onThrottle?.(waitMs, cost);
      await sleep(waitMs);
      continue;
    }
    const envelope = z.object({ data: z.unknown(), extensions: z.object({ cost: costSchema }).partial().optional() }).safeParse(body);
    if (!envelope.success) throw new AdminApiError("The Admin API answered without a data object", body);
    const parsed = dataSchema.safeParse(envelope.data.data);
    if (!parsed.success) {
      throw new AdminApiError(`The Admin API answer did not have the expected shape: ${z.prettifyError(parsed.error)}`, body);
    }
    return { data: parsed.data, cost: envelope.data.extensions?.cost };
  }
}
