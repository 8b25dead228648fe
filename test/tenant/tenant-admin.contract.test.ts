// Runs the TenantAdmin contract against LiveTenantAdmin: always on the simulated tenant (real msal-node, real HTTP),
// and on a real tenant only with LIVE_TENANT_TESTS=1 and credentials in the environment.
import { describe, it } from 'mocha';
import { parseConfig } from '../../src/config/config.js';
import { createTenantAdmin } from '../../src/tenant/live/create-live-tenant-admin.js';
import { startSimulator } from '../../src/tenant/simulator/server.js';
import { describeTenantAdminContract, type TenantAdminContractIds } from './tenant-admin.contract.js';

/** Ids in fixtures/contoso-tenant.json. */
export const CONTOSO_IDS: TenantAdminContractIds = {
  licensedUserId: 'd17b9743-c9fd-59a8-adc7-4023de8a4719', // Megan Bowen
  licensedUserUpn: 'meganb@contoso.onmicrosoft.com',
  unlicensedUserId: 'dba1b024-f658-57bb-b502-359ca799ca41', // Lidia Holloway: Exchange only
  approverGroupId: 'ed47e9ca-3c8d-5ba5-959b-7689aba891a8', // Power Platform Admins
  otherGroupId: '7e46cd4b-9123-5a61-9f17-79f71e189d89', // HR Team
  defaultEnvId: 'Default-5ee02f6f-a6ba-5275-b785-41bc607c001c',
  envWithoutDataverseId: '7c4ff43f-9f0d-5892-9f4a-69dd7e3fbcb6', // Contoso Dev
  bapMakerCandidateId: '1205d490-732f-537a-acd3-a0aa663f609f', // Alex Wilber
  envWithDataverseId: 'd9f45590-b8cf-5fa5-8c9b-3e274c95c4ad', // Contoso Test (contosotest)
  dataverseAbsentUserId: '1205d490-732f-537a-acd3-a0aa663f609f', // Alex Wilber
  dataversePresentUserId: '24126d3b-3c9c-51f9-bb95-3135907ba515', // Johanna Lorenz: Basic User
  dlpPolicyName: 'eb375b69-c7f9-5e8d-af20-9079b9807eec', // Tenant baseline
  blockedConnectorId: '/providers/Microsoft.PowerApps/apis/shared_dropbox',
  unblockableConnectorId: '/providers/microsoft.powerapps/apis/shared_sharepointonline',
  inventoryEnvId: '7c4ff43f-9f0d-5892-9f4a-69dd7e3fbcb6',
  inventoryAppConnectorId: '/providers/microsoft.powerapps/apis/shared_sharepointonline',
  inventoryFlowConnectorId: '/providers/microsoft.powerapps/apis/shared_dropbox',
  location: 'unitedstates',
  takenDomainName: 'contosotest',
};

describeTenantAdminContract('LiveTenantAdmin on the simulated tenant', async () => {
  const sim = await startSimulator({ port: 0, retryAfterSeconds: 0, lroPollsToComplete: 2 });
  const config = parseConfig({ TENANT_MODE: 'simulated' });
  const admin = createTenantAdmin(config, { simulatorUrl: sim.url, sleep: async () => {}, userSyncDelayMs: 0 });
  return {
    admin,
    ids: CONTOSO_IDS,
    mutating: true,
    writeCount: () => sim.state.requests.filter((r) => r.method !== 'GET' && !r.path.startsWith('/login')).length,
    teardown: () => sim.close(),
  };
});

const live = process.env['LIVE_TENANT_TESTS'] === '1';
if (live) {
  describeTenantAdminContract(
    'LiveTenantAdmin on a real tenant (LIVE_TENANT_TESTS=1)',
    async () => {
      const config = parseConfig({ ...process.env, TENANT_MODE: 'live' });
      const ids = JSON.parse(process.env['LIVE_TENANT_IDS'] ?? 'null') as TenantAdminContractIds | null;
      if (!ids)
        throw new Error(
          'LIVE_TENANT_IDS must hold the JSON ids of the real tenant’s fixture users, groups and environments',
        );
      return {
        admin: createTenantAdmin(config),
        ids,
        // Writes change a real tenant: only with an explicit second opt-in.
        mutating: process.env['LIVE_TENANT_MUTATIONS'] === '1',
        pollDelayMs: 15_000,
        maxPolls: 80,
        teardown: async () => {},
      };
    },
    { timeoutMs: 30 * 60_000 },
  );
} else {
  describe('TenantAdmin contract: LiveTenantAdmin on a real tenant', () => {
    it('is skipped: set LIVE_TENANT_TESTS=1 with TENANT_ID, AAD_CLIENT_ID, AAD_CLIENT_SECRET (or certificate) and LIVE_TENANT_IDS to run it', function () {
      this.skip();
    });
  });
}
