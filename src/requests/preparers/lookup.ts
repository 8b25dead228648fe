// Where preparers read names from: the cached catalogue when the front door has one, else the tenant itself.
// Anything that decides a clash or a block is read fresh from the tenant, never from the cache.
import type { Connector, Environment, Location, TenantAdmin } from '../../tenant/tenant-admin.js';
import type { EnvironmentRef } from '../model.js';

/** The shape of src/intake/catalogue.ts (kept structural so requests/ does not depend on intake/). */
export interface CatalogueSource {
  get(): Promise<{ environments: Environment[]; connectors: Connector[]; locations: Location[] }>;
}

export class Lookup {
  constructor(
    readonly tenant: TenantAdmin,
    private readonly catalogue?: CatalogueSource | undefined,
  ) {}

  async environment(id: string): Promise<Environment | undefined> {
    const cached = (await this.catalogue?.get())?.environments.find((e) => e.id.toLowerCase() === id.toLowerCase());
    return cached ?? (await this.tenant.getEnvironment(id));
  }

  async connectors(): Promise<Connector[]> {
    return (await this.catalogue?.get())?.connectors ?? (await this.tenant.listConnectors());
  }

  async locations(): Promise<Location[]> {
    return (await this.catalogue?.get())?.locations ?? (await this.tenant.listLocations());
  }
}

export function environmentRef(env: Environment): EnvironmentRef {
  return {
    id: env.id,
    displayName: env.displayName,
    sku: env.sku,
    location: env.location,
    azureRegion: env.azureRegion,
    hasDataverse: env.hasDataverse,
    isDefault: env.isDefault,
    instanceApiUrl: env.instanceApiUrl,
  };
}

/**
 * Someone else's Developer environment: its owner's own (individual use). Nothing is filed there for another maker,
 * neither the maker role nor a connector unblocked in its DLP scope (the change would only ever serve the owner).
 */
export function othersDeveloperEnvironment(env: Environment, requesterId: string): boolean {
  return env.sku === 'Developer' && env.createdBy?.toLowerCase() !== requesterId.toLowerCase();
}

/** Said when the requester has no Power Apps plan and the target has Dataverse; the front door offers route-anyway or cancel. */
export function unlicensedDataverseNote(displayName: string, environment: string): string {
  return `${displayName} has no Power Apps licence. Adding them to ${environment}, which has Dataverse, will fail (userNotLicensed) until a licence is assigned. You can send the request to an approver anyway, or cancel it.`;
}
