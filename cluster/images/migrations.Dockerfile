# The migrations as a Job: the project's migrate and seed CLIs
# (db/src/cli/{migrate,seed}.ts, bundled: /app/bin/{migrate,seed}.mjs) and the
# committed drizzle migrations. Both need DATABASE_URL; seed takes DEMO_API_KEY.
#   tsx cluster/images/build-context.ts migrations <dir>
#   build-image.sh cluster/images/migrations.Dockerfile <dir> ghcr.io/knative-functions-platform/migrations:0.1.0
ARG NODE_IMAGE=docker.io/library/node:lts-slim

FROM ${NODE_IMAGE} AS check
COPY app/ /app/
RUN test -f /app/migrations/meta/_journal.json && node --check /app/bin/migrate.mjs && node --check /app/bin/seed.mjs

FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="migrations"
ENV NODE_ENV=production
COPY --from=check /app/ /app/
USER 65532:65532
CMD ["node", "/app/bin/migrate.mjs"]
