/** What the Citus lint reports: a rule broken, where, and how to fix it. */
export interface Violation {
  rule: RuleId;
  /** A migration (tag and statement number) or a table. */
  where: string;
  message: string;
}

/** Every rule, with the fix the lint prints (facts/data.md). */
export const RULES = {
  "undistributed-table": "declare it with create_reference_table or create_distributed_table in a migration",
  "key-without-distribution-column":
    "include the distribution column in every PRIMARY KEY, UNIQUE and EXCLUDE constraint of a distributed table",
  "foreign-key-to-distributed":
    "only distributed tables may reference distributed ones; make the referencing table distributed and co-located, or drop the key",
  "foreign-key-not-colocated":
    "reference a co-located table (colocate_with), with the distribution column at the same position in both keys",
  "foreign-key-action":
    "with the distribution column in a foreign key, use no ON DELETE SET NULL / SET DEFAULT nor ON UPDATE SET NULL / SET DEFAULT / CASCADE",
  "id-not-bigint": "use bigint (bigserial) ids on distributed tables: int sequences only work through the coordinator",
  "identity-on-distributed":
    "Citus cannot distribute a table with an identity column: use bigserial or ids made by the app",
  "inline-constraint-in-add-column":
    "add the column alone, then the constraint in its own named statement (ALTER TABLE ... ADD CONSTRAINT name ...)",
  "sequence-added-later":
    "no serial, nextval or identity default on a column added to an existing table: fill ids from the app",
  "sequential-mode-missing":
    "start the migration with SET LOCAL citus.multi_shard_modify_mode TO 'sequential'; (it touches distributed tables)",
  "not-in-transaction":
    "the migrator runs every migration in one transaction: run this statement outside it (a separate script or Job)",
} as const;

export type RuleId = keyof typeof RULES;
