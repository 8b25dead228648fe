// Every migration, in order, imported in code (no filesystem globbing) so the migrator behaves the same from `src`
// under tsx and from compiled `dist`. Keys sort lexicographically: keep the zero-padded prefix.
import type { Migration } from 'kysely';
import { initial } from './001-initial.js';
import { jobDeadReported } from './002-job-dead-reported.js';

export const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-job-dead-reported': jobDeadReported,
};
