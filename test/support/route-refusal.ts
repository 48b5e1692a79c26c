/** Runs a route loader or action that must refuse the request, and returns the Response it threw. */
export async function refusedResponse(run: () => Promise<unknown>): Promise<Response> {
  try {
    await run();
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected the route to refuse the request");
}
