import { RemixBrowser } from "@remix-run/react";
import { hydrateRoot } from "react-dom/client";

/**
 * Hydrates without Remix's default startTransition: a key pressed while a
 * transition hydration is under way (a reviewer pressing J as the grid
 * appears) can hit React 18's error #345, "Root did not complete" (seen in
 * our browser tests; reported as remix-run/remix#10214), and leaves the page
 * dead until reload. Plain hydration is a few milliseconds less
 * interruptible and never breaks.
 */
hydrateRoot(document, <RemixBrowser />);
