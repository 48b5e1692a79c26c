import type { PrismaClient, SyncRun } from "@prisma/client";
import type { z } from "zod";

export class SyncCancelledError extends Error {
  constructor() {
    super("The catalog sync was cancelled.");
    this.name = "SyncCancelledError";
  }
}

/** What a pull strategy gets: the run, a throttle-aware query function, and progress and cancel hooks. */
export interface PullContext {
  db: PrismaClient;
  run: SyncRun;
  startedAt: Date;
  total: number | null;
  query: <T>(doc: string, schema: z.ZodType<T>, variables?: Record<string, unknown>) => Promise<T>;
  progress: (processed: number) => Promise<void>;
  /** Throws SyncCancelledError once the merchant has cancelled the run. */
  checkCancelled: () => Promise<void>;
}
