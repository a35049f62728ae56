import { runFunction } from "@platform/kit";
import { createRedirectApp } from "./app.ts";

await runFunction({
  // The hottest codes stay in process for 2 s; updates reach every replica sooner through pub/sub.
  nearCache: { maxEntries: 10_000, ttlMs: 2000 },
  build: async (context) => {
    const app = createRedirectApp(context);
    await app.flags.reload();
    return app;
  },
});
