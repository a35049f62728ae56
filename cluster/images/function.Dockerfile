# One image per function (links, redirect, analytics, web), from the context
# that build-context.ts lays out with the local platform's bundler: each
# function's bundle and its code-cache loader (main.cjs), as a revision runs
# locally. The code-cache stage starts the bundle once with the runtime image's
# own node, so the image carries a V8 code cache that node accepts.
#   tsx cluster/images/build-context.ts functions <dir>
#   build-image.sh cluster/images/function.Dockerfile <dir> ghcr.io/knative-functions-platform/links:0.1.0 \
#     --build-arg FUNCTION=links [--build-arg NODE_IMAGE=127.0.0.1:5000/platform/node:20-bookworm]
ARG NODE_IMAGE=docker.io/library/node:lts-slim

FROM ${NODE_IMAGE} AS code-cache
ARG FUNCTION
COPY ${FUNCTION}/ /app/
COPY warm-code-cache.cjs /opt/warm-code-cache.cjs
RUN test -n "${FUNCTION}" && rm -f /app/bundle.cjs.map && node /opt/warm-code-cache.cjs /app/main.cjs

FROM ${NODE_IMAGE}
ARG FUNCTION
LABEL org.opencontainers.image.title="${FUNCTION}"
ENV NODE_ENV=production PORT=8080
# Owned by root and read-only to the function's user: the loader keeps the cache it finds.
COPY --from=code-cache /app/ /app/
USER 65532:65532
EXPOSE 8080
CMD ["node", "/app/main.cjs"]
