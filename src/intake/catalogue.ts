// The live catalogue the bot resolves names against: environments, connectors and locations, read through
// the tenant-admin port and cached for a short time so a chat turn does not cost a round of admin API calls.
import type { Connector, Environment, Location, TenantAdmin } from '../tenant/tenant-admin.js';

/** A directory user as intake needs one: to tell that a message asks for someone else (someone-else.ts). */
export interface DirectoryPerson {
  id: string;
  displayName: string;
}

export interface CatalogueSnapshot {
  environments: Environment[];
  connectors: Connector[];
  locations: Location[];
  /** The tenant's users by name; absent or empty when the directory could not be read. */
  people?: DirectoryPerson[] | undefined;
}

/**
 * The directory's names are read less often than the rest: they change slowly, and listing them in a large tenant
 * costs a Graph page per 999 users. A colleague added since is not recognised by name for that long at most
 * ("for my colleague" and the like still are).
 */
export const PEOPLE_TTL_MS = 15 * 60_000;

export class Catalogue {
  private snapshot: CatalogueSnapshot | undefined;
  private loadedAt = 0;
  private loading: Promise<CatalogueSnapshot> | undefined;
  private people: { list: DirectoryPerson[]; at: number } | undefined;

  constructor(
    private readonly tenant: TenantAdmin,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly peopleTtlMs = PEOPLE_TTL_MS,
  ) {}

  async get(): Promise<CatalogueSnapshot> {
    if (this.snapshot && this.now() - this.loadedAt < this.ttlMs) return this.snapshot;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Forget the cache (after the bot itself created an environment, say). */
  invalidate(): void {
    this.snapshot = undefined;
  }

  private async load(): Promise<CatalogueSnapshot> {
    const [environments, connectors, locations, people] = await Promise.all([
      this.tenant.listEnvironments(),
      this.tenant.listConnectors(),
      this.tenant.listLocations(),
      this.directoryNames(),
    ]);
    this.snapshot = { environments, connectors, locations, people };
    this.loadedAt = this.now();
    return this.snapshot;
  }

  /**
   * Names only. The directory is not needed to file for the sender: when it cannot be read, the last names read are
   * kept (none at first), and requests for a named colleague go unrecognised rather than stop intake.
   */
  private async directoryNames(): Promise<DirectoryPerson[]> {
    const at = this.now();
    if (this.people && at - this.people.at < this.peopleTtlMs) return this.people.list;
    try {
      const list = (await this.tenant.listUsers()).map((u) => ({ id: u.id, displayName: u.displayName }));
      this.people = { list, at };
      return list;
    } catch {
      return this.people?.list ?? [];
    }
  }
}
