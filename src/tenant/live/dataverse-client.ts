// Dataverse Web API (v9.2) of one org: system users, business units, security roles and their association.
// orgUrl is the environment's instanceApiUrl (the simulated tenant serves it under /dataverse/{domain}).
import type { HttpClient } from './http-client.js';
import type { DataverseBusinessUnitWire, DataverseRoleWire, DataverseSystemUserWire } from './wire-types.js';

const ODATA_HEADERS = { 'odata-maxversion': '4.0', 'odata-version': '4.0' };
/** Asks for expanded collections without the Web API's cache (Learn: "Join tables using OData"). */
const FRESH = { 'If-None-Match': 'null' };

export class DataverseClient {
  constructor(private readonly http: HttpClient) {}

  /** {org}/api/data/v9.2 */
  apiBase(orgUrl: string): string {
    return `${orgUrl.replace(/\/+$/, '')}/api/data/v9.2`;
  }

  /** The OData id a role association points at. */
  roleODataId(orgUrl: string, roleId: string): string {
    return `${this.apiBase(orgUrl)}/roles(${roleId})`;
  }

  /**
   * The system user with the roles they hold. Grant, revoke and the owner check decide on these roles, so the
   * expanded collection must be fresh: If-None-Match: null (expanded collections may come from a cache).
   */
  async findSystemUserByObjectId(orgUrl: string, objectId: string): Promise<DataverseSystemUserWire | undefined> {
    const users = await this.http.list<DataverseSystemUserWire>(`${this.apiBase(orgUrl)}/systemusers`, {
      query: {
        $filter: `azureactivedirectoryobjectid eq ${guid(objectId)}`,
        $expand: 'systemuserroles_association($select=roleid,name,ismanaged,_businessunitid_value)',
      },
      headers: { ...ODATA_HEADERS, ...FRESH },
    });
    return users[0];
  }

  /**
   * Every system user with the names of the security roles they hold, all pages (@odata.nextLink). Expanded
   * collections may be served from a cache, hence If-None-Match: null (the Web API's advice for fresh data).
   */
  listSystemUsersWithRoles(orgUrl: string): Promise<DataverseSystemUserWire[]> {
    return this.http.list<DataverseSystemUserWire>(`${this.apiBase(orgUrl)}/systemusers`, {
      query: {
        $select: 'systemuserid,azureactivedirectoryobjectid,domainname,fullname,applicationid',
        $expand: 'systemuserroles_association($select=name)',
      },
      headers: { ...ODATA_HEADERS, ...FRESH },
    });
  }

  async getRootBusinessUnit(orgUrl: string): Promise<DataverseBusinessUnitWire | undefined> {
    const units = await this.http.list<DataverseBusinessUnitWire>(`${this.apiBase(orgUrl)}/businessunits`, {
      query: { $select: 'businessunitid,name', $filter: '_parentbusinessunitid_value eq null' },
      headers: ODATA_HEADERS,
    });
    return units[0];
  }

  findRoles(orgUrl: string, name: string, businessUnitId: string): Promise<DataverseRoleWire[]> {
    return this.http.list<DataverseRoleWire>(`${this.apiBase(orgUrl)}/roles`, {
      query: {
        $select: 'roleid,name',
        $filter: `name eq '${name.replace(/'/g, "''")}' and _businessunitid_value eq ${guid(businessUnitId)}`,
      },
      headers: ODATA_HEADERS,
    });
  }

  async associateRole(orgUrl: string, systemUserId: string, roleId: string): Promise<void> {
    await this.http.request<unknown>(
      'POST',
      `${this.apiBase(orgUrl)}/systemusers(${guid(systemUserId)})/systemuserroles_association/$ref`,
      { body: { '@odata.id': this.roleODataId(orgUrl, roleId) }, headers: ODATA_HEADERS },
    );
  }

  async disassociateRole(orgUrl: string, systemUserId: string, roleId: string): Promise<void> {
    await this.http.request<unknown>(
      'DELETE',
      `${this.apiBase(orgUrl)}/systemusers(${guid(systemUserId)})/systemuserroles_association/$ref`,
      { query: { $id: this.roleODataId(orgUrl, roleId) }, headers: ODATA_HEADERS, accept: [404] },
    );
  }
}

/** Ids go into OData filters and keys unquoted; refuse anything that is not a GUID. */
function guid(id: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new Error(`Not a GUID: ${id}`);
  return id;
}
