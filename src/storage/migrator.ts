import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely';
import type { Database } from './schema.js';

export function createMigrator(db: Kysely<Database>, migrations: Record<string, Migration>): Migrator {
  return new Migrator({
    db,
    provider: {
      getMigrations: async () => migrations,
    },
  });
}

/**
 * Brings the schema to the latest version; throws if a migration fails. kysely's Migrator takes its migration lock
 * first (on PostgreSQL a transaction-level advisory lock), so replicas starting together migrate once, in turn.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  migrations: Record<string, Migration>,
): Promise<MigrationResultSet> {
  const result = await createMigrator(db, migrations).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const cause = result.error instanceof Error ? result.error : new Error(String(result.error));
    throw new Error(`storage migration ${failed?.migrationName ?? ''} failed: ${cause.message}`, { cause });
  }
  return result;
}
