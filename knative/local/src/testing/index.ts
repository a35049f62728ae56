/** What tests need to run the local Serving: a LocalServing on a fresh database, requests by Host, steady load, samples. */
export { type ControlUnderTest, serveControlForTest } from "./control-under-test.ts";
export { requestWithHost } from "./http-with-host.ts";
export { revisionSample } from "./samples.ts";
export { isCanary, localOverlayWithout, type ServingUnderTest, startServingForTest } from "./serving-under-test.ts";
export { steadyLoad } from "./steady-load.ts";
