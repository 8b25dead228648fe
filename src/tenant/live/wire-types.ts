// The admin APIs' JSON shapes, as far as the bot reads or writes them (see shared admin-api.md).
// Only fields the bot uses are typed; every shape may carry more.

export interface ODataList<T> {
  value: T[];
  nextLink?: string;
  '@odata.nextLink'?: string;
}

// ---- BAP: environments -------------------------------------------------------------------------

export interface BapLinkedEnvironmentMetadata {
  instanceUrl?: string;
  instanceApiUrl?: string;
  domainName?: string;
  uniqueName?: string;
  resourceId?: string;
  version?: string;
  baseLanguage?: number;
  instanceState?: string;
  securityGroupId?: string;
}

export interface BapEnvironment {
  id: string;
  name: string;
  location: string;
  type?: string;
  properties: {
    displayName: string;
    description?: string;
    azureRegion?: string;
    environmentSku: string;
    isDefault?: boolean;
    provisioningState?: string;
    databaseType?: string;
    createdTime?: string;
    createdBy?: { id?: string; displayName?: string; type?: string };
    tenantId?: string;
    states?: { management?: { id?: string }; runtime?: { id?: string } };
    governanceConfiguration?: { protectionLevel?: string };
    linkedEnvironmentMetadata?: BapLinkedEnvironmentMetadata;
    [key: string]: unknown;
  };
}

export interface BapCreateEnvironmentBody {
  location: string;
  properties: {
    displayName: string;
    description?: string;
    environmentSku: string;
    azureRegion?: string;
    databaseType?: 'CommonDataService';
    linkedEnvironmentMetadata?: {
      baseLanguage: number;
      currency: { code: string };
      domainName: string;
      securityGroupId?: string;
      templates: string[];
    };
    usedBy?: { id: string; type: string; tenantId: string };
  };
}

export interface BapLifecycleOperation {
  id?: string;
  links?: { self?: { path?: string }; environment?: { path?: string } };
  type?: { id?: string };
  state?: { id?: string };
  stages?: { id: string; name?: string; state?: { id?: string } }[];
  error?: { code?: string; message?: string };
}

export interface BapLocation {
  id?: string;
  name: string;
  properties?: { displayName?: string; azureRegions?: string[]; [key: string]: unknown };
}

export interface BapCurrency {
  name: string;
  properties?: { code?: string; symbol?: string; [key: string]: unknown };
}

export interface BapLanguage {
  name: string;
  properties?: { localeId?: number; localizedName?: string; displayName?: string; [key: string]: unknown };
}

export interface BapValidateEnvironmentDetailsBody {
  domainName: string;
  environmentLocation: string;
}

// ---- BAP: role assignments (environments without Dataverse) -----------------------------------

export type BapPrincipalType = 'User' | 'Group' | 'Tenant';

export interface BapRoleAssignment {
  id: string;
  name: string;
  properties: {
    scope?: string;
    roleDefinition: { id?: string; name?: string };
    principal: {
      id?: string;
      displayName?: string;
      email?: string;
      type?: BapPrincipalType | string;
      tenantId?: string;
    };
  };
}

export interface BapModifyRoleAssignmentsBody {
  add?: {
    properties: {
      roleDefinition: { id: string };
      principal: { id: string; type: BapPrincipalType; email?: string; tenantId?: string };
    };
  }[];
  remove?: { id: string }[];
}

export interface BapModifyRoleAssignmentsResponse {
  add?: {
    roleAssignment?: BapRoleAssignment;
    httpStatus?: string | number;
    error?: { code?: string; message?: string };
  }[];
  remove?: { id?: string; httpStatus?: string | number; error?: { code?: string; message?: string } }[];
}

// ---- DLP v2 -------------------------------------------------------------------------------------

export interface DlpEnvironmentWire {
  id: string;
  name: string;
  type: string;
}

export interface DlpConnectorWire {
  id: string;
  name: string;
  type: string;
}

export interface DlpPolicyDefinitionWire {
  name: string;
  displayName: string;
  defaultConnectorsClassification: string;
  environmentType: string;
  environments?: DlpEnvironmentWire[];
  connectorGroups: { classification: string; connectors: DlpConnectorWire[] }[];
  etag?: string;
  createdTime?: string;
  lastModifiedTime?: string;
  [key: string]: unknown;
}

export interface DlpPolicyWire {
  policyDefinition: DlpPolicyDefinitionWire;
  connectorConfigurationsDefinition?: unknown;
  customConnectorUrlPatternsDefinition?: unknown;
  [key: string]: unknown;
}

export interface UnblockableConnectorWire {
  id: string;
  metadata?: { unblockable?: boolean };
}

// ---- Power Apps / Flow ---------------------------------------------------------------------------

export interface PowerAppsApiWire {
  name: string;
  id: string;
  type?: string;
  properties: { displayName: string; tier?: string; publisher?: string; isCustomApi?: boolean; [key: string]: unknown };
}

export interface ConnectionReferenceWire {
  id: string;
  displayName?: string;
  connectionName?: string;
  source?: string;
  [key: string]: unknown;
}

export interface PowerAppWire {
  name: string;
  id?: string;
  properties: {
    displayName: string;
    owner?: { id?: string; displayName?: string; email?: string };
    createdTime?: string;
    lastModifiedTime?: string;
    environment?: { name?: string; id?: string };
    connectionReferences?: Record<string, ConnectionReferenceWire>;
    [key: string]: unknown;
  };
}

export interface FlowListItemWire {
  name: string;
  id?: string;
  properties: {
    displayName: string;
    state?: string;
    createdTime?: string;
    lastModifiedTime?: string;
    workflowEntityId?: string;
    creator?: { objectId?: string; userId?: string };
    [key: string]: unknown;
  };
}

export interface FlowWire extends FlowListItemWire {
  properties: FlowListItemWire['properties'] & {
    connectionReferences?: Record<string, ConnectionReferenceWire>;
  };
}

// ---- Dataverse Web API -----------------------------------------------------------------------------

export interface DataverseRoleWire {
  roleid: string;
  name: string;
  ismanaged?: boolean;
  _businessunitid_value?: string;
}

export interface DataverseSystemUserWire {
  systemuserid: string;
  domainname?: string;
  azureactivedirectoryobjectid?: string | null;
  _businessunitid_value?: string;
  fullname?: string | null;
  /** Set for application users (service principals). */
  applicationid?: string | null;
  systemuserroles_association?: DataverseRoleWire[];
}

export interface DataverseBusinessUnitWire {
  businessunitid: string;
  name?: string;
}

// ---- Microsoft Graph --------------------------------------------------------------------------------

export interface GraphAssignedPlan {
  servicePlanId: string;
  service: string;
  capabilityStatus: string;
  assignedDateTime?: string;
  /** Not in Graph's assignedPlan resource (nor sent by the simulated tenant); kept for other sources. */
  servicePlanName?: string;
}

export interface GraphUserWire {
  id: string;
  userPrincipalName: string;
  mail?: string | null;
  displayName: string;
  department?: string | null;
  jobTitle?: string | null;
  accountEnabled?: boolean;
  assignedPlans?: GraphAssignedPlan[];
}
