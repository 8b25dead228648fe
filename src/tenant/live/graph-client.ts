// Microsoft Graph v1.0: users (with assigned plans), transitive group membership checks and group members.
import type { HttpClient } from './http-client.js';
import type { GraphUserWire } from './wire-types.js';

export const USER_SELECT = 'id,userPrincipalName,mail,displayName,department,jobTitle,accountEnabled,assignedPlans';

export class GraphClient {
  private readonly base: string;

  constructor(
    private readonly http: HttpClient,
    baseUrl: string,
  ) {
    this.base = `${baseUrl.replace(/\/+$/, '')}/v1.0`;
  }

  getUser(idOrUpn: string): Promise<GraphUserWire | undefined> {
    return this.http.getOptional<GraphUserWire>(`${this.base}/users/${encodeURIComponent(idOrUpn)}`, {
      query: { $select: USER_SELECT },
    });
  }

  listUsers(): Promise<GraphUserWire[]> {
    return this.http.list<GraphUserWire>(`${this.base}/users`, { query: { $select: USER_SELECT, $top: 999 } });
  }

  /**
   * Ids of the group's users, direct or through nested groups; every page is read. The microsoft.graph.user cast
   * is an advanced query: ConsistencyLevel: eventual and $count=true go on every page (group-list-transitivemembers).
   */
  async listTransitiveUserIds(groupId: string): Promise<string[]> {
    const users = await this.http.list<{ id?: string }>(
      `${this.base}/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user`,
      { query: { $select: 'id', $top: 999, $count: 'true' }, headers: { ConsistencyLevel: 'eventual' } },
    );
    return users.flatMap((u) => (typeof u.id === 'string' ? [u.id] : []));
  }

  /** At most 20 group ids per call; answers the ones the user is a transitive member of. */
  async checkMemberGroups(userId: string, groupIds: string[]): Promise<string[]> {
    if (groupIds.length > 20) throw new Error('checkMemberGroups takes at most 20 group ids');
    const response = await this.http.request<{ value?: string[] }>(
      'POST',
      `${this.base}/users/${encodeURIComponent(userId)}/checkMemberGroups`,
      { body: { groupIds } },
    );
    return response.body?.value ?? [];
  }
}
