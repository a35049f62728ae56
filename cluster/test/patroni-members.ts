/** Patroni's members as kubectl lists their pods (pure): name, Patroni's role label, Ready, being deleted. */

export interface Member {
  name: string;
  /** Patroni's role label: master on the leader (Patroni 3), replica on the others, empty before it labels them. */
  role: string;
  ready: boolean;
}

/** The jsonpath that prints one pod a line for parseMembers. */
export const MEMBERS_JSONPATH =
  'jsonpath={range .items[*]}{.metadata.name} {.metadata.labels.role} {.status.conditions[?(@.type=="Ready")].status} {.metadata.deletionTimestamp}{"\\n"}{end}';

/** The members from MEMBERS_JSONPATH's output, without those being deleted. */
export function parseMembers(text: string): Member[] {
  return text
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => line.split(" "))
    .filter(([, , , deleting]) => !deleting)
    .map(([name = "", role = "", ready = ""]) => ({ name, role, ready: ready === "True" }));
}

/** The ready member Patroni labels leader. */
export function leaderOf(members: Member[]): string | undefined {
  return members.find((m) => m.role === "master" && m.ready)?.name;
}
