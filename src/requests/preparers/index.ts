// The RequestPreparer port over the tenant-admin port: what intake calls before filing a request.
import type { TenantAdmin } from '../../tenant/tenant-admin.js';
import type { RequestPreparer } from '../preparation.js';
import { prepareConnectorUnblock } from './connector-unblock.js';
import { type CatalogueSource, Lookup } from './lookup.js';
import { prepareMakerRole } from './maker-role.js';
import { prepareNewEnvironment } from './new-environment.js';

export type { CatalogueSource } from './lookup.js';
export { suggestDomainName } from './new-environment.js';

export function createRequestPreparer(tenant: TenantAdmin, catalogue?: CatalogueSource): RequestPreparer {
  const lookup = new Lookup(tenant, catalogue);
  return {
    makerRole: (input) => prepareMakerRole(lookup, input),
    connectorUnblock: (input) => prepareConnectorUnblock(lookup, input),
    newEnvironment: (input) => prepareNewEnvironment(lookup, input),
  };
}
