/**
 * The cluster tests' own Knative Service: a few lines of node in a function
 * image (so nothing outside the platform's images is needed) answering with the
 * revision and the pod that served the request; with FAIL_RATE (0 to 1, as the
 * functions read it), that share of its answers are 500s.
 */
export const FIXTURE_IMAGE = "ghcr.io/knative-functions-platform/links:0.1.0";

/** The echo server's source, for `node -e` in the image or a file on this machine. */
export const ECHO_SERVER = `
const http = require("node:http");
const os = require("node:os");
const failRate = Number(process.env.FAIL_RATE || 0);
const server = http.createServer((req, res) => {
  res.setHeader("content-type", "text/plain");
  if (Math.random() < failRate) res.statusCode = 500;
  res.end(process.env.K_REVISION + " " + os.hostname() + "\\n");
});
server.keepAliveTimeout = 65000;
server.listen(Number(process.env.PORT || 8080));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`;

export interface EchoServiceOptions {
  namespace: string;
  name: string;
  /** Changes the template, so applying it makes a new revision. */
  release: string;
  annotations?: Record<string, string>;
  env?: Record<string, string>;
  traffic?: { revisionName?: string; latestRevision?: boolean; percent: number; tag?: string }[];
}

export function echoService(o: EchoServiceOptions): object {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name: o.name, namespace: o.namespace },
    spec: {
      template: {
        metadata: { name: `${o.name}-${o.release}`, annotations: o.annotations ?? {} },
        spec: {
          containerConcurrency: 0,
          containers: [
            {
              image: FIXTURE_IMAGE,
              command: ["node", "-e", ECHO_SERVER],
              env: Object.entries({ ...o.env, RELEASE: o.release }).map(([name, value]) => ({ name, value })),
              ports: [{ containerPort: 8080 }],
              // No CPU request: the checks' Services must fit beside the platform on a 2-core node.
              resources: { requests: { cpu: "0", memory: "32Mi" }, limits: { memory: "96Mi" } },
            },
          ],
        },
      },
      ...(o.traffic ? { traffic: o.traffic } : {}),
    },
  };
}

/** "<revision> <pod>" as the echo server answers. */
export function parseEcho(body: string): { revision: string; pod: string } | undefined {
  const [revision, pod] = body.trim().split(" ");
  return revision && pod ? { revision, pod } : undefined;
}
