import { afterEach, beforeEach, vi } from "vitest";

// An unexpected console.error is a failure; a test that expects one spies on
// console.error itself (vi.spyOn(console, "error").mockImplementation(...)).
let errors: unknown[][] = [];
const original = console.error;

beforeEach(() => {
  errors = [];
  console.error = (...args: unknown[]) => {
    errors.push(args);
    original(...args);
  };
});

afterEach(() => {
  const logged = errors;
  console.error = original;
  if (logged.length > 0 && !vi.isMockFunction(console.error)) {
    throw new Error(`console.error was called ${logged.length} time(s) unexpectedly: ${String(logged[0]?.[0])}`);
  }
});
