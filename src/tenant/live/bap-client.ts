// BAP (api.bap.microsoft.com): environments, lifecycle operations, role assignments, addUser, DLP v2, connector metadata.
import type { HttpClient, HttpResponse } from './http-client.js';
import type {
  BapCreateEnvironmentBody,
  BapCurrency,
  BapEnvironment,
  BapLanguage,
  BapLifecycleOperation,
  BapLocation,
  BapModifyRoleAssignmentsBody,
  BapModifyRoleAssignmentsResponse,
  BapRoleAssignment,
  BapValidateEnvironmentDetailsBody,
  DlpPolicyWire,
  UnblockableConnectorWire,
} from './wire-types.js';

const BAP = '/providers/Microsoft.BusinessAppPlatform';
const GOVERNANCE = '/providers/PowerPlatform.Governance';

export class BapClient {
  private readonly base: string;

  constructor(
    private readonly http: HttpClient,
    baseUrl: string,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  private adminEnv(envId: string): string {
    return `${this.base}${BAP}/scopes/admin/environments/${encodeURIComponent(envId)}`;
  }

  listEnvironments(): Promise<BapEnvironment[]> {
    return this.http.list<BapEnvironment>(`${this.base}${BAP}/scopes/admin/environments`, {
      query: { 'api-version': '2020-10-01', $expand: 'properties.capacity,properties.addons' },
    });
  }

  getEnvironment(envId: string): Promise<BapEnvironment | undefined> {
    return this.http.getOptional<BapEnvironment>(this.adminEnv(envId), {
      query: { 'api-version': '2023-06-01', $expand: 'permissions,properties.capacity,properties/billingPolicy' },
    });
  }

  /** 202 + Location (LRO) or 201 with the environment. Retries 409 OperationNotStartable; never re-sends after a 5xx. */
  createEnvironment(body: BapCreateEnvironmentBody): Promise<HttpResponse<BapEnvironment>> {
    return this.http.request<BapEnvironment>('POST', `${this.base}${BAP}/environments`, {
      query: { 'api-version': '2023-06-01' },
      body,
      idempotent: false,
      retryOnConflict: true,
    });
  }

  /** GET an absolute lifecycle-operation URL; 200/202/409 while running, 404 once gone. */
  getLifecycleOperation(operationUrl: string): Promise<HttpResponse<BapLifecycleOperation>> {
    return this.http.request<BapLifecycleOperation>('GET', operationUrl, { accept: [202, 404, 409] });
  }

  listLocations(): Promise<BapLocation[]> {
    return this.http.list<BapLocation>(`${this.base}${BAP}/locations`, { query: { 'api-version': '2023-06-01' } });
  }

  listCurrencies(location: string): Promise<BapCurrency[]> {
    return this.http.list<BapCurrency>(
      `${this.base}${BAP}/locations/${encodeURIComponent(location)}/environmentCurrencies`,
      { query: { 'api-version': '2023-06-01' } },
    );
  }

  listLanguages(location: string): Promise<BapLanguage[]> {
    return this.http.list<BapLanguage>(
      `${this.base}${BAP}/locations/${encodeURIComponent(location)}/environmentLanguages`,
      {
        query: { 'api-version': '2023-06-01' },
      },
    );
  }

  validateEnvironmentDetails(body: BapValidateEnvironmentDetailsBody): Promise<HttpResponse<unknown>> {
    return this.http.request<unknown>('POST', `${this.base}${BAP}/validateEnvironmentDetails`, {
      query: { 'api-version': '2021-04-01' },
      body,
    });
  }

  listRoleAssignments(envId: string): Promise<BapRoleAssignment[]> {
    return this.http.list<BapRoleAssignment>(`${this.adminEnv(envId)}/roleAssignments`, {
      query: { 'api-version': '2021-04-01' },
    });
  }

  async modifyRoleAssignments(
    envId: string,
    body: BapModifyRoleAssignmentsBody,
  ): Promise<BapModifyRoleAssignmentsResponse | undefined> {
    const response = await this.http.request<BapModifyRoleAssignmentsResponse>(
      'POST',
      `${this.adminEnv(envId)}/modifyRoleAssignments`,
      // Adding an assignment is not idempotent: after a 5xx the job retries, and it re-reads the
      // assignments before writing, so a processed-but-unanswered add is never sent twice.
      { query: { 'api-version': '2021-04-01' }, body, idempotent: false },
    );
    return response.body;
  }

  /** Syncs an Entra user into the environment's Dataverse org. */
  async addUser(envId: string, objectId: string): Promise<void> {
    await this.http.request<unknown>('POST', `${this.adminEnv(envId)}/addUser`, {
      query: { 'api-version': '2023-06-01' },
      body: { objectId },
    });
  }

  listDlpPolicies(): Promise<DlpPolicyWire[]> {
    return this.http.list<DlpPolicyWire>(`${this.base}${GOVERNANCE}/v2/policies`);
  }

  getDlpPolicy(name: string): Promise<DlpPolicyWire | undefined> {
    return this.http.getOptional<DlpPolicyWire>(`${this.base}${GOVERNANCE}/v2/policies/${encodeURIComponent(name)}`);
  }

  async createDlpPolicy(body: DlpPolicyWire): Promise<DlpPolicyWire | undefined> {
    const response = await this.http.request<DlpPolicyWire>('POST', `${this.base}${GOVERNANCE}/v2/policies`, {
      body,
      idempotent: false,
    });
    return response.body;
  }

  /** PATCH with the policy's etag, in the body and as If-Match; a stale etag fails (409/412), never retried. */
  async updateDlpPolicy(name: string, body: DlpPolicyWire, etag: string): Promise<DlpPolicyWire | undefined> {
    const response = await this.http.request<DlpPolicyWire>(
      'PATCH',
      `${this.base}${GOVERNANCE}/v2/policies/${encodeURIComponent(name)}`,
      { body, headers: etag ? { 'if-match': etag } : undefined },
    );
    return response.body;
  }

  async deleteDlpPolicy(name: string): Promise<void> {
    await this.http.request<unknown>('DELETE', `${this.base}${GOVERNANCE}/v2/policies/${encodeURIComponent(name)}`, {
      accept: [404],
    });
  }

  listUnblockableConnectors(): Promise<UnblockableConnectorWire[]> {
    return this.http.list<UnblockableConnectorWire>(`${this.base}${GOVERNANCE}/v1/connectors/metadata/unblockable`);
  }
}
