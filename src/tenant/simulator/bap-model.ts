import type { SimEnvironment, SimulatorState } from './state.js';

/** Maps the neutral environment onto the BAP admin shape, with Dataverse URLs pointing at this server. */

export function simulatedInstanceUrl(baseUrl: string, domainName: string): string {
  return `${baseUrl}/dataverse/${domainName}/`;
}

export function simulatedInstanceApiUrl(baseUrl: string, domainName: string): string {
  return `${baseUrl}/dataverse/${domainName}`;
}

/** Dataverse host suffix (`crm`, `crm4`, …) per BAP location, for orgs created by the simulator. */
const CRM_REGION: Record<string, string> = {
  unitedstates: 'crm',
  southamerica: 'crm2',
  canada: 'crm3',
  europe: 'crm4',
  asia: 'crm5',
  australia: 'crm6',
  japan: 'crm7',
  india: 'crm8',
  unitedkingdom: 'crm11',
  france: 'crm12',
};

export function crmHost(location: string): string {
  return CRM_REGION[location.toLowerCase()] ?? 'crm';
}

export function toBapEnvironment(state: SimulatorState, env: SimEnvironment, baseUrl: string): Record<string, unknown> {
  const createdBy = state.findUser(env.createdBy);
  const properties: Record<string, unknown> = {
    tenantId: state.tenant.id,
    azureRegion: env.azureRegion,
    displayName: env.displayName,
    description: env.description ?? '',
    createdTime: env.createdTime,
    createdBy: createdBy
      ? {
          id: createdBy.id,
          displayName: createdBy.displayName,
          email: createdBy.mail,
          type: 'User',
          tenantId: state.tenant.id,
          userPrincipalName: createdBy.userPrincipalName,
        }
      : { id: env.createdBy, displayName: 'SYSTEM', type: 'NotSpecified', tenantId: state.tenant.id },
    lastModifiedTime: env.createdTime,
    provisioningState: env.provisioningState ?? 'Succeeded',
    creationType: env.isDefault ? 'DefaultTenant' : 'User',
    environmentSku: env.environmentSku,
    isDefault: env.isDefault,
    clientUris: {
      admin: `https://admin.powerplatform.microsoft.com/environments/environment/${env.name}/hub`,
      maker: `https://make.powerapps.com/environments/${env.name}/home`,
    },
    runtimeEndpoints: {
      'microsoft.BusinessAppPlatform': `${baseUrl}/bap`,
      'microsoft.CommonDataModel': `${baseUrl}/cdm`,
      'microsoft.PowerApps': `${baseUrl}/powerapps`,
      'microsoft.PowerAppsAdvisor': `${baseUrl}/advisor`,
      'microsoft.PowerVirtualAgents': `${baseUrl}/pva`,
      'microsoft.ApiManagement': `${baseUrl}/apim`,
      'microsoft.Flow': `${baseUrl}/flow`,
    },
    states: {
      management: { id: (env.provisioningState ?? 'Succeeded') === 'Succeeded' ? 'Ready' : 'NotReady' },
      runtime: { id: 'Enabled' },
    },
    governanceConfiguration: {
      protectionLevel: env.managed ? 'Standard' : 'Basic',
      settings: { extendedSettings: {} },
    },
    updateCadence: { id: 'Frequent' },
  };
  if (env.usedBy) properties['usedBy'] = { id: env.usedBy, type: 1, tenantId: state.tenant.id };
  const dv = env.dataverse;
  if (dv) {
    properties['databaseType'] = 'CommonDataService';
    properties['linkedEnvironmentMetadata'] = {
      type: 'Dynamics365Instance',
      resourceId: dv.organizationId,
      friendlyName: env.displayName,
      uniqueName: dv.uniqueName,
      domainName: dv.domainName,
      version: dv.version,
      instanceUrl: simulatedInstanceUrl(baseUrl, dv.domainName),
      instanceApiUrl: simulatedInstanceApiUrl(baseUrl, dv.domainName),
      baseLanguage: dv.baseLanguage,
      instanceState: dv.instanceState ?? 'Ready',
      createdTime: env.createdTime,
      platformSku: 'Standard',
      ...(dv.securityGroupId ? { securityGroupId: dv.securityGroupId } : {}),
    };
  }
  return {
    id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${env.name}`,
    type: 'Microsoft.BusinessAppPlatform/scopes/environments',
    location: env.location,
    name: env.name,
    properties,
  };
}
