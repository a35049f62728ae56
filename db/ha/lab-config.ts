/**
 * The Patroni lab's layout (pure): one etcd and three PostgreSQL members
 * managed by Patroni on loopback, with synchronous replication so that a
 * commit acknowledged to a client is on two members. The settings are those
 * measured to work on one machine (facts/data.md: ttl 20, loop_wait 2,
 * retry_timeout 5, pg_rewind, slots, fast checkpoint for base backups).
 */
import { stringify } from "yaml";

export const SCOPE = "platform-lab";
export const NAMESPACE = "/platform/";
export const DATABASE = "platform";
export const SUPERUSER = { username: "postgres", password: "postgres" };

export interface MemberLayout {
  name: string;
  pgPort: number;
  restPort: number;
  dir: string;
}

export interface LabLayout {
  dir: string;
  etcd: { clientPort: number; peerPort: number; dir: string };
  members: MemberLayout[];
  /** Where PostgreSQL's programs are (Debian: /usr/lib/postgresql/<major>/bin). */
  binDir: string;
}

export function etcdArgs(layout: LabLayout): string[] {
  const client = `http://127.0.0.1:${layout.etcd.clientPort}`;
  const peer = `http://127.0.0.1:${layout.etcd.peerPort}`;
  return [
    "--name=lab",
    `--data-dir=${layout.etcd.dir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=lab=${peer}`,
  ];
}

/** One member's patroni.yml. */
export function patroniConfig(layout: LabLayout, member: MemberLayout): string {
  const trust = ["local all all trust", "host replication all 127.0.0.1/32 trust", "host all all 127.0.0.1/32 trust"];
  return stringify({
    scope: SCOPE,
    namespace: NAMESPACE,
    name: member.name,
    log: { level: "WARNING" },
    restapi: { listen: `127.0.0.1:${member.restPort}`, connect_address: `127.0.0.1:${member.restPort}` },
    etcd3: { hosts: `127.0.0.1:${layout.etcd.clientPort}` },
    bootstrap: {
      dcs: {
        ttl: 20,
        loop_wait: 2,
        retry_timeout: 5,
        // A commit returns only once a second member has it: no acknowledged write is lost with the leader.
        synchronous_mode: true,
        postgresql: {
          use_pg_rewind: true,
          use_slots: true,
          parameters: { wal_log_hints: "on", max_connections: 200, hot_standby: "on" },
        },
      },
      initdb: [{ encoding: "UTF8" }, "data-checksums"],
    },
    postgresql: {
      listen: `127.0.0.1:${member.pgPort}`,
      connect_address: `127.0.0.1:${member.pgPort}`,
      data_dir: `${member.dir}/data`,
      bin_dir: layout.binDir,
      pgpass: `${member.dir}/pgpass`,
      pg_hba: trust,
      authentication: {
        superuser: SUPERUSER,
        replication: { username: "replicator", password: "replicator" },
        rewind: { username: "rewinder", password: "rewinder" },
      },
      basebackup: [{ checkpoint: "fast" }],
      parameters: {
        unix_socket_directories: member.dir,
        // Every member archives its WAL to the lab's pgBackRest repository (whichever leads).
        archive_mode: "on",
        archive_command: `pgbackrest --config=${member.dir}/pgbackrest.conf --stanza=${STANZA} archive-push %p`,
        archive_timeout: 5,
      },
    },
  });
}

export const STANZA = "lab";

/** A member's pgbackrest.conf: the lab's one repository, and this member's PostgreSQL as pg1. */
export function pgbackrestConfig(layout: LabLayout, member: MemberLayout): string {
  return [
    "[global]",
    `repo1-path=${layout.dir}/backups`,
    "repo1-retention-full=2",
    `log-path=${layout.dir}/pgbackrest/log`,
    `lock-path=${layout.dir}/pgbackrest/lock`,
    `spool-path=${layout.dir}/pgbackrest/spool`,
    "start-fast=y",
    "log-level-console=warn",
    "log-level-file=info",
    "",
    `[${STANZA}]`,
    `pg1-path=${member.dir}/data`,
    `pg1-port=${member.pgPort}`,
    `pg1-socket-path=${member.dir}`,
    `pg1-user=${SUPERUSER.username}`,
    "",
  ].join("\n");
}

/** The URL the functions use: every member, and only the primary accepts the session. */
export function databaseUrl(layout: LabLayout, database = DATABASE): string {
  const hosts = layout.members.map((m) => `127.0.0.1:${m.pgPort}`).join(",");
  return `postgres://${SUPERUSER.username}:${SUPERUSER.password}@${hosts}/${database}?target_session_attrs=primary`;
}

/** One member's own URL (for checks that must read a given member). */
export function memberUrl(member: MemberLayout, database = DATABASE): string {
  return `postgres://${SUPERUSER.username}:${SUPERUSER.password}@127.0.0.1:${member.pgPort}/${database}`;
}
