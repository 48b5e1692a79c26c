import { existsSync, mkdirSync } from "node:fs";
import { chromium, type Browser, type ConsoleMessage, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Debian's Chromium, headless, with the flags that keep it off the (closed) network. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
  });
}

/** Screenshots go to test-results/, which CI keeps as artifacts. */
export function screenshotPath(name: string): string {
  mkdirSync("test-results", { recursive: true });
  return `test-results/${name}.png`;
}

/**
 * Pushes every uncaught page error and console error of `page` (with the
 * page's address) into `sink`, which it returns; `ignore` passes over console
 * errors that are not the page's (a resource the browser asks for by itself).
 */
export function collectPageErrors(page: Page, sink: string[] = [], ignore: (message: ConsoleMessage) => boolean = () => false): string[] {
  page.on("pageerror", (error) => sink.push(`${page.url()}: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !ignore(message)) sink.push(`${page.url()}: ${message.text()}`);
  });
  return sink;
}
