import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freePorts } from "./free-port.ts";

const listenOn = (port: number) =>
  new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });

describe("freePorts", () => {
  it("gives as many distinct ports as asked, each free to listen on", async () => {
    const ports = await freePorts(24);
    expect(ports).toHaveLength(24);
    expect(new Set(ports).size).toBe(24);
    await Promise.all(ports.map(listenOn));
  });
});
