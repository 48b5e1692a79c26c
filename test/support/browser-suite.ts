import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { createPrismaClient } from "../../app/db.server";
import { startDemoStack, type DemoStack, type DemoStackOptions } from "../../scripts/lib/demo-stack";
import { collectPageErrors, launchChromium } from "./browser";

export interface BrowserSuite {
  stack: DemoStack;
  /** A Prisma client on the suite's own database. */
  db: PrismaClient;
  browser: Browser;
  page: Page;
  /** The suite's asset folder when it asked for one of its own. */
  assetDir: string | undefined;
  close(): Promise<void>;
}

export interface BrowserSuiteOptions {
  /** The demo stack's options beyond the ones every browser suite shares (own database, queue prefix, quiet). */
  stack?: Pick<DemoStackOptions, "productCount" | "seed">;
  /** Give the suite its own asset folder under .data/ (for suites that read or write files directly). */
  ownAssetDir?: boolean;
  /** The page's options, or a function of the launched browser that makes them (e.g. its user agent). */
  page?: BrowserContextOptions | ((browser: Browser) => Promise<BrowserContextOptions>);
  /** Where the page's uncaught errors and console errors go (collectPageErrors). */
  pageErrors?: string[];
}

/**
 * What every browser test file starts with: the code `npm run demo` runs, on
 * a database and queue prefix of its own (dropped on stop, so files can run
 * side by side), a Prisma client on that database, and Debian's Chromium with
 * one page whose errors are collected. `close()` undoes all of it.
 */
export async function startBrowserSuite(name: string, options: BrowserSuiteOptions = {}): Promise<BrowserSuite> {
  const id = randomUUID().slice(0, 8);
  const assetDir = options.ownAssetDir ? `.data/test-e2e-${name}-${id}` : undefined;
  const stack = await startDemoStack({
    appPort: 0,
    database: `shotlane_e2e_${name.replaceAll("-", "_")}_${id}`,
    dropDatabaseOnStop: true,
    queuePrefix: `test-e2e-${name}-${id}`,
    stdio: "ignore",
    log: () => undefined,
    ...(assetDir ? { assetDir } : {}),
    ...options.stack,
  });
  const db = createPrismaClient(stack.databaseUrl);
  const browser = await launchChromium();
  const pageOptions = typeof options.page === "function" ? await options.page(browser) : (options.page ?? { viewport: { width: 1440, height: 1000 } });
  const page = await browser.newPage(pageOptions);
  collectPageErrors(page, options.pageErrors);
  return {
    stack,
    db,
    browser,
    page,
    assetDir,
    async close() {
      await browser.close();
      await db.$disconnect();
      await stack.stop();
    },
  };
}
