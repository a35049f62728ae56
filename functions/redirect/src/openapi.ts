/**
 * The redirect's OpenAPI document. Written out rather than built from route
 * schemas: the hot path stays a plain Hono handler, and there is one route.
 */
export const EXAMPLE_CODE = "knative";

const htmlPage = (description: string) => ({
  description,
  content: { "text/html": { schema: { type: "string" } } },
});

const code = {
  name: "code",
  in: "path",
  required: true,
  description: "A short link's code; anything else answers the 404 page",
  schema: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
  example: EXAMPLE_CODE,
};

const redirect = (description: string) => ({
  description,
  headers: {
    location: {
      required: true,
      description: "The link's target, exactly as the links API stored it (its WHATWG URL serialisation)",
      schema: { type: "string" },
    },
  },
});

const answers = {
  "301": redirect("Permanent redirect to the target (the link's redirectType is 301)"),
  "302": redirect("Redirect to the target"),
  "404": htmlPage("No such link"),
  "410": htmlPage("The link expired or its owner switched it off"),
};

export const redirectOpenApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Redirect",
    version: "1.0.0",
    description:
      "Short links: GET /{code} redirects to the link's target and records a click; HEAD answers the same and records none.",
  },
  paths: {
    "/{code}": {
      get: { operationId: "follow", summary: "Follow a short link", parameters: [code], responses: answers },
      head: {
        operationId: "check",
        summary: "Check a short link without counting a visit",
        parameters: [code],
        responses: answers,
      },
    },
  },
};
