import { readLocalState } from "@platform/processes/local-state";

/** DATABASE_URL, or the local database of a running `npm start`; exits with a readable message otherwise. */
export function databaseUrlOrExit(): string {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) return fromEnv;
  const local = readLocalState()?.databaseUrl;
  if (local) {
    process.stderr.write(`DATABASE_URL is not set: using the local database of \`npm start\` (${local})\n`);
    return local;
  }
  process.stderr.write(
    "DATABASE_URL is not set. Set it to a PostgreSQL URL, e.g.\n" +
      "  DATABASE_URL=postgres://user:password@host:5432/db npm run db:migrate\n" +
      "or run `npm start` once to create the local database.\n",
  );
  process.exit(2);
}
