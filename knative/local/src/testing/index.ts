/** What other packages' tests need to run the local Serving: a LocalServing on a fresh database, and requests by Host. */
export { requestWithHost } from "./http-with-host.ts";
export { isCanary, localOverlayWithout, type ServingUnderTest, startServingForTest } from "./serving-under-test.ts";
export { steadyLoad } from "./steady-load.ts";
