// The live catalogue the bot resolves names against: environments, connectors and locations, read through
// the tenant-admin port and cached for a short time so a chat turn does not cost a round of admin API calls.
import type { Connector, Environment, Location, TenantAdmin } from '../tenant/tenant-admin.js';

export interface CatalogueSnapshot {
  environments: Environment[];
  connectors: Connector[];
  locations: Location[];
}

export class Catalogue {
  private snapshot: CatalogueSnapshot | undefined;
  private loadedAt = 0;
  private loading: Promise<CatalogueSnapshot> | undefined;

  constructor(
    private readonly tenant: TenantAdmin,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
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
    const [environments, connectors, locations] = await Promise.all([
      this.tenant.listEnvironments(),
      this.tenant.listConnectors(),
      this.tenant.listLocations(),
    ]);
    this.snapshot = { environments, connectors, locations };
    this.loadedAt = this.now();
    return this.snapshot;
  }
}
