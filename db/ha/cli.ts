/**
 * npm run db:ha -- up | down | status | failover | switchover
 * The Patroni lab on this machine (db/ha/lab.ts); HA_LAB_DIR moves it.
 *   up          etcd and three PostgreSQL members under Patroni, synchronous replication
 *   status      each member's role and state, and the URL the functions use
 *   failover    a node crash: SIGKILL to the leader's Patroni and PostgreSQL; waits for the new leader,
 *               then starts the old one again (it rejoins as a replica)
 *   switchover  a planned handover to the synchronous standby
 *   down        stops everything and removes the lab's folder
 */

import { clusterStatus, crash, down, leaderOf, readState, restart, switchover, until, up, waitHealthy } from "./lab.ts";
import { databaseUrl } from "./lab-config.ts";

const say = (line: string) => process.stdout.write(`${line}\n`);
const USAGE = "usage: npm run db:ha -- up | down | status | failover | switchover";

async function main(command: string | undefined): Promise<number> {
  if (command === "up") {
    const state = await up(say);
    say(`\nthe lab is up. DATABASE_URL=${databaseUrl(state.layout)}`);
    return 0;
  }
  if (command === "down") {
    await down(say);
    return 0;
  }
  if (!["status", "failover", "switchover"].includes(command ?? "")) {
    say(USAGE);
    return 2;
  }
  const state = readState();
  if (!state) {
    say("no lab is running: npm run db:ha -- up");
    return 1;
  }
  if (command === "status") {
    for (const m of await clusterStatus(state.layout)) {
      say(
        `${m.name.padEnd(10)} ${m.role.padEnd(13)} ${m.state.padEnd(10)} timeline ${m.timeline ?? "-"}  lag ${m.lag ?? "-"}`,
      );
    }
    say(`DATABASE_URL=${databaseUrl(state.layout)}`);
    return 0;
  }
  const started = Date.now();
  if (command === "switchover") {
    const old = await switchover(state.layout, say);
    await until(
      async () => {
        const leader = await leaderOf(state.layout);
        return leader !== undefined && leader.name !== old;
      },
      60_000,
      "the new leader",
    );
  } else {
    const leader = await leaderOf(state.layout);
    if (!leader) throw new Error("no leader to fail");
    await crash(state, leader, say);
    await until(async () => (await leaderOf(state.layout)) !== undefined, 60_000, "a new leader");
    say(`new leader ${(await leaderOf(state.layout))?.name} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await restart(state, leader, say);
  }
  await waitHealthy(state.layout, say);
  say(`healthy again after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

main(process.argv[2]).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    say(`db:ha ${process.argv[2]}: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  },
);
