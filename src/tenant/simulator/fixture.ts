import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The neutral reference-tenant shape of `fixtures/contoso-tenant.json`. */

export interface FixtureTenant {
  id: string;
  domain: string;
  displayName: string;
}

export interface FixtureAssignedPlan {
  servicePlanId: string;
  servicePlanName: string;
  service: string;
  capabilityStatus: string;
  /** When it was assigned (ISO); fixture plans without one were assigned long ago. */
  assignedDateTime?: string;
}

export interface FixtureUser {
  id: string;
  userPrincipalName: string;
  mail: string;
  displayName: string;
  jobTitle: string;
  department: string;
  accountEnabled: boolean;
  assignedLicenses: { skuPartNumber: string }[];
  assignedPlans: FixtureAssignedPlan[];
}

export interface FixtureGroup {
  id: string;
  displayName: string;
  description: string;
  /** Object ids of users or (nested) groups. */
  members: string[];
}

export interface FixtureRole {
  roleid: string;
  name: string;
  businessunitid: string;
}

export interface FixtureSystemUser {
  systemuserid: string;
  azureactivedirectoryobjectid: string;
  domainname: string;
  /** Names of the security roles the user holds. */
  roles: string[];
}

export interface FixtureDataverse {
  domainName: string;
  uniqueName: string;
  instanceUrl: string;
  instanceApiUrl: string;
  organizationId: string;
  rootBusinessUnitId: string;
  baseLanguage: number;
  currency: string;
  version: string;
  roles: FixtureRole[];
  systemusers: FixtureSystemUser[];
}

export interface FixtureRoleAssignment {
  name: string;
  role: string;
  principal: { id: string; type: string };
}

export interface FixtureEnvironment {
  name: string;
  key: string;
  displayName: string;
  environmentSku: string;
  isDefault: boolean;
  location: string;
  azureRegion: string;
  createdBy: string;
  createdTime: string;
  managed: boolean;
  dataverse: FixtureDataverse | null;
  roleAssignments: FixtureRoleAssignment[];
}

export interface FixtureConnector {
  id: string;
  name: string;
  displayName: string;
  tier: string;
  publisher: string;
  unblockable: boolean;
}

export interface FixtureConnectorRef {
  id: string;
  name: string;
  type: string;
}

export interface FixtureConnectorGroup {
  classification: string;
  connectors: FixtureConnectorRef[];
}

export interface FixturePolicyEnvironment {
  id: string;
  name: string;
  type: string;
}

export interface FixtureDlpPolicy {
  name: string;
  displayName: string;
  environmentType: string;
  environments: FixturePolicyEnvironment[];
  defaultConnectorsClassification: string;
  connectorGroups: FixtureConnectorGroup[];
  createdBy: string;
  createdTime: string;
}

export interface FixtureResource {
  name: string;
  kind: 'app' | 'flow' | string;
  environment: string;
  displayName: string;
  owner: string;
  state: string;
  connectors: string[];
  lastModifiedTime: string;
  /** A flow that lives in a Dataverse solution: the admin flow list shows it only with includeSolutionCloudFlows. */
  solutionAware?: boolean;
}

export interface FixtureTeam {
  id: string;
  aadGroupId: string;
  name: string;
  channels: { id: string; name: string }[];
}

export interface FixtureLocation {
  name: string;
  displayName: string;
  azureRegions: string[];
}

export interface FixtureLanguage {
  lcid: number;
  name: string;
}

export interface TenantFixture {
  $comment?: string;
  tenant: FixtureTenant;
  users: FixtureUser[];
  groups: FixtureGroup[];
  environments: FixtureEnvironment[];
  connectors: FixtureConnector[];
  dlpPolicies: FixtureDlpPolicy[];
  resources: FixtureResource[];
  teams: FixtureTeam[];
  locations: FixtureLocation[];
  currencies: string[];
  languages: FixtureLanguage[];
}

/** Candidate locations of the fixture, from the source tree (src/tenant/simulator) and the build output (dist/src/…). */
function defaultFixturePaths(): string[] {
  return [
    fileURLToPath(new URL('../../../fixtures/contoso-tenant.json', import.meta.url)),
    fileURLToPath(new URL('../../../../fixtures/contoso-tenant.json', import.meta.url)),
  ];
}

/** Reads and parses the reference tenant; every call returns a fresh object (safe to mutate). */
export function loadFixture(path?: string): TenantFixture {
  const candidates = path ? [path] : defaultFixturePaths();
  let lastError: unknown;
  for (const candidate of candidates) {
    try {
      return JSON.parse(readFileSync(candidate, 'utf8')) as TenantFixture;
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`cannot load the tenant fixture (${candidates.join(', ')}): ${String(lastError)}`);
}

/** Deep copy through JSON, so two simulators never share objects. */
export function cloneFixture(fixture: TenantFixture): TenantFixture {
  return structuredClone(fixture);
}
