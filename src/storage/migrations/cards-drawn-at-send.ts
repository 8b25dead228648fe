// No schema change: a mark in the migration table. From this version the outbox stores cards as recipes that the
// sender draws (src/outbox/messages.ts); a replica of an earlier version would send a recipe to Teams as it is. An
// earlier version refuses to start against a database holding this mark (kysely's migrator: "previously executed
// migration … is missing"), so a fleet is upgraded by stopping the old replicas, not by mixing versions.
import type { Migration } from 'kysely';

export const cardsDrawnAtSend: Migration = {
  async up(): Promise<void> {},
};
