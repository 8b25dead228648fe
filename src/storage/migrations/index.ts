// Every migration, in order, imported in code (no filesystem globbing) so the migrator behaves the same from `src`
// under tsx and from compiled `dist`. Keys sort lexicographically: keep the zero-padded prefix. SQLite and
// PostgreSQL have their own sets (their DDL differs); both end at the same schema (src/storage/schema.ts).
import type { Migration } from 'kysely';
import { initial } from './001-initial.js';
import { jobDeadReported } from './002-job-dead-reported.js';
import { auditHead } from './003-audit-head.js';
import { fleetOutboxAndLeases } from './004-fleet-outbox-and-leases.js';
import { retention } from './005-retention.js';
import { fewerWriteIndexes } from './006-fewer-write-indexes.js';
import { cardsDrawnAtSend } from './cards-drawn-at-send.js';
import { postgresInitial } from './postgres/001-initial.js';
import { postgresFleetOutboxAndLeases } from './postgres/002-fleet-outbox-and-leases.js';
import { postgresRetention } from './postgres/003-retention.js';
import { postgresFewerWriteIndexes } from './postgres/004-fewer-write-indexes.js';

export const sqliteMigrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-job-dead-reported': jobDeadReported,
  '003-audit-head': auditHead,
  '004-fleet-outbox-and-leases': fleetOutboxAndLeases,
  '005-retention': retention,
  '006-fewer-write-indexes': fewerWriteIndexes,
  '007-cards-drawn-at-send': cardsDrawnAtSend,
};

export const postgresMigrations: Record<string, Migration> = {
  '001-initial': postgresInitial,
  '002-fleet-outbox-and-leases': postgresFleetOutboxAndLeases,
  '003-retention': postgresRetention,
  '004-fewer-write-indexes': postgresFewerWriteIndexes,
  '005-cards-drawn-at-send': cardsDrawnAtSend,
};
