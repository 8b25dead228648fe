import { HttpError } from '../errors.js';
import type { FixtureGroup, FixtureUser } from '../fixture.js';
import { sameId, stableGuid } from '../ids.js';
import {
  evaluateFilter,
  filterProperties,
  ODataQueryError,
  paginate,
  parseFilter,
  parseSelect,
  project,
} from '../odata.js';
import { objectBody, type RequestContext, type RouteOptions, type Router, type SimResponse } from '../router.js';
import type { SimulatorState } from '../state.js';
import { AUDIENCES } from '../tokens.js';

/** Microsoft Graph v1.0 subset: users, groups, membership checks. */

const GRAPH: RouteOptions = {
  family: 'graph',
  audiences: () => [AUDIENCES.graph, '00000003-0000-0000-c000-000000000000'],
  apiVersion: 'optional',
};

/** Well-known SKU ids of the licences the fixture uses (by part number). */
const SKU_IDS: Record<string, string> = {
  SPE_E3: '05e9a617-0261-4cee-bb44-138d3ef5d965',
  POWERAPPS_PER_USER: 'b30411f5-fea1-4a59-9ad9-3db7c7ead579',
  POWERAPPS_DEV: '5b631642-bd26-49fe-bd20-1daaa972ef80',
  POWERAPPS_VIRAL: 'dcb1a3ae-b33f-4487-846a-a640262fadf4',
  EXCHANGESTANDARD: '4b9405b0-7788-4568-add1-99614e613b69',
  FLOW_PER_USER: '4a51bf65-409c-4a91-b845-1121b571cc9d',
};

const DEFAULT_USER_PROPS = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

function notFound(id: string): HttpError {
  return new HttpError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

function badRequest(message: string, code = 'BadRequest'): HttpError {
  return new HttpError(400, code, message);
}

function userRecord(user: FixtureUser): Record<string, unknown> {
  const [given, ...rest] = user.displayName.split(' ');
  return {
    id: user.id,
    businessPhones: [],
    displayName: user.displayName,
    givenName: given ?? null,
    jobTitle: user.jobTitle,
    mail: user.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    surname: rest.join(' ') || null,
    userPrincipalName: user.userPrincipalName,
    accountEnabled: user.accountEnabled,
    department: user.department,
    companyName: null,
    userType: 'Member',
    usageLocation: 'US',
    proxyAddresses: [`SMTP:${user.mail}`],
    assignedLicenses: user.assignedLicenses.map((l) => ({
      disabledPlans: [],
      skuId: SKU_IDS[l.skuPartNumber] ?? stableGuid(`sku:${l.skuPartNumber}`),
    })),
    assignedPlans: user.assignedPlans.map((p) => ({
      assignedDateTime: p.assignedDateTime ?? '2024-01-01T00:00:00Z',
      capabilityStatus: p.capabilityStatus,
      service: p.service,
      servicePlanId: p.servicePlanId,
    })),
  };
}

function groupRecord(state: SimulatorState, group: FixtureGroup): Record<string, unknown> {
  const isTeam = state.teams.some((t) => sameId(t.aadGroupId, group.id));
  const nickname = group.displayName.replace(/[^A-Za-z0-9]/g, '');
  return {
    id: group.id,
    createdDateTime: '2024-01-01T00:00:00Z',
    description: group.description,
    displayName: group.displayName,
    groupTypes: isTeam ? ['Unified'] : [],
    mail: isTeam ? `${nickname}@${state.tenant.domain}` : null,
    mailEnabled: isTeam,
    mailNickname: nickname,
    securityEnabled: true,
    visibility: isTeam ? 'Private' : null,
  };
}

/** Applies `$select`; without it, users get Graph's default property set. */
function selectUser(ctx: RequestContext, record: Record<string, unknown>): Record<string, unknown> {
  const select = parseSelect(ctx.query.get('$select'));
  try {
    return project(record, select ?? DEFAULT_USER_PROPS);
  } catch (err) {
    if (err instanceof ODataQueryError) {
      throw badRequest(`Could not find a property named '${err.property}' on type 'microsoft.graph.user'.`);
    }
    throw err;
  }
}

/** `$select` over mixed directory objects: unknown properties are left out. */
function selectLenient(ctx: RequestContext, record: Record<string, unknown>): Record<string, unknown> {
  const select = parseSelect(ctx.query.get('$select'));
  if (!select) return record;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (k.startsWith('@odata.') || select.some((s) => s.toLowerCase() === k.toLowerCase())) out[k] = v;
  }
  return out;
}

function filterRecords(
  ctx: RequestContext,
  records: Record<string, unknown>[],
  typeName: string,
): Record<string, unknown>[] {
  const raw = ctx.query.get('$filter');
  if (!raw) return records;
  try {
    const node = parseFilter(raw);
    const template = records[0];
    if (template) {
      for (const prop of filterProperties(node)) {
        if (!Object.keys(template).some((k) => k.toLowerCase() === prop.toLowerCase())) {
          throw badRequest(
            `Unsupported or invalid query filter clause specified for property '${prop}' of resource '${typeName}'.`,
            'Request_UnsupportedQuery',
          );
        }
      }
    }
    return records.filter((r) => evaluateFilter(node, r));
  } catch (err) {
    if (err instanceof ODataQueryError) throw badRequest(`Invalid filter clause: ${err.message}`);
    throw err;
  }
}

function ctxUrl(ctx: RequestContext, fragment: string): string {
  return `${ctx.baseUrl}/graph/${ctx.params['ver']}/$metadata#${fragment}`;
}

function pageBody(ctx: RequestContext, items: Record<string, unknown>[], contextFragment: string): SimResponse {
  let page: Record<string, unknown>[];
  let nextLink: string | null;
  try {
    ({ page, nextLink } = paginate(items, ctx.url, ctx.baseUrl, 100));
  } catch (err) {
    if (err instanceof ODataQueryError) throw badRequest(err.message);
    throw err;
  }
  const body: Record<string, unknown> = { '@odata.context': ctxUrl(ctx, contextFragment) };
  if (ctx.query.get('$count') === 'true') body['@odata.count'] = items.length;
  if (nextLink) body['@odata.nextLink'] = nextLink;
  body['value'] = page;
  return { status: 200, body };
}

function requireUser(ctx: RequestContext): FixtureUser {
  const id = ctx.params['id']!;
  const user = ctx.state.findUser(id);
  if (!user) throw notFound(id);
  return user;
}

function requireGroup(ctx: RequestContext): FixtureGroup {
  const id = ctx.params['id']!;
  const group = ctx.state.findGroup(id);
  if (!group) throw notFound(id);
  return group;
}

function getUser(ctx: RequestContext): SimResponse {
  const user = requireUser(ctx);
  return {
    status: 200,
    body: { '@odata.context': ctxUrl(ctx, 'users/$entity'), ...selectUser(ctx, userRecord(user)) },
  };
}

function listUsers(ctx: RequestContext): SimResponse {
  const records = filterRecords(ctx, ctx.state.users.map(userRecord), 'microsoft.graph.user');
  const select = parseSelect(ctx.query.get('$select'));
  return pageBody(
    ctx,
    records.map((r) => selectUser(ctx, r)),
    select ? `users(${select.join(',')})` : 'users',
  );
}

function checkMemberGroups(ctx: RequestContext): SimResponse {
  const id = ctx.params['id']!;
  const subject = ctx.state.findUser(id) ?? ctx.state.findGroup(id);
  if (!subject) throw notFound(id);
  const body = objectBody(ctx, 'Request_BadRequest');
  const groupIds = body['groupIds'];
  if (!Array.isArray(groupIds) || groupIds.some((g) => typeof g !== 'string')) {
    throw badRequest("The property 'groupIds' must be an array of group ids.", 'Request_BadRequest');
  }
  if (groupIds.length > 20) {
    throw badRequest('The number of groupIds exceeds the maximum of 20 per request.', 'Request_BadRequest');
  }
  const memberOf = ctx.state.transitiveGroupIds(subject.id);
  const value = (groupIds as string[]).filter((g) => memberOf.has(g.toLowerCase()));
  return { status: 200, body: { '@odata.context': ctxUrl(ctx, 'Collection(Edm.String)'), value } };
}

function directoryObject(state: SimulatorState, id: string): Record<string, unknown> | null {
  const user = state.findUser(id);
  if (user) return { '@odata.type': '#microsoft.graph.user', ...project(userRecord(user), DEFAULT_USER_PROPS) };
  const group = state.findGroup(id);
  if (group) return { '@odata.type': '#microsoft.graph.group', ...groupRecord(state, group) };
  return null;
}

function getGroup(ctx: RequestContext): SimResponse {
  const group = requireGroup(ctx);
  return {
    status: 200,
    body: { '@odata.context': ctxUrl(ctx, 'groups/$entity'), ...selectLenient(ctx, groupRecord(ctx.state, group)) },
  };
}

function listGroups(ctx: RequestContext): SimResponse {
  const records = filterRecords(
    ctx,
    ctx.state.groups.map((g) => groupRecord(ctx.state, g)),
    'microsoft.graph.group',
  );
  return pageBody(
    ctx,
    records.map((r) => selectLenient(ctx, r)),
    'groups',
  );
}

function transitiveMemberIds(state: SimulatorState, group: FixtureGroup): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const visit = (g: FixtureGroup) => {
    for (const m of g.members) {
      const key = m.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(m);
      const nested = state.findGroup(m);
      if (nested) visit(nested);
    }
  };
  visit(group);
  return out;
}

/**
 * An OData cast on transitiveMembers is an advanced query (group-list-transitivemembers, aad-advanced-queries):
 * without `ConsistencyLevel: eventual` and `$count=true` it is refused.
 */
function requireAdvancedQuery(ctx: RequestContext): void {
  const level = ctx.headers['consistencylevel'];
  const eventual = (Array.isArray(level) ? level[0] : level)?.toLowerCase() === 'eventual';
  if (!eventual || ctx.query.get('$count')?.toLowerCase() !== 'true') {
    throw badRequest(
      'Request with an OData cast needs the ConsistencyLevel header set to eventual and $count=true.',
      'Request_UnsupportedQuery',
    );
  }
}

function listMembers(ctx: RequestContext, transitive: boolean): SimResponse {
  const group = requireGroup(ctx);
  const ids = transitive ? transitiveMemberIds(ctx.state, group) : group.members;
  let objects = ids.map((id) => directoryObject(ctx.state, id)).filter((o): o is Record<string, unknown> => o !== null);
  const cast = ctx.params['cast']?.toLowerCase();
  if (cast && transitive) requireAdvancedQuery(ctx);
  if (cast) objects = objects.filter((o) => String(o['@odata.type']).toLowerCase() === `#${cast}`);
  objects = filterRecords(ctx, objects, 'microsoft.graph.directoryObject');
  return pageBody(
    ctx,
    objects.map((o) => selectLenient(ctx, o)),
    'directoryObjects',
  );
}

function listMemberOf(ctx: RequestContext, transitive: boolean): SimResponse {
  const user = ctx.state.findUser(ctx.params['id']!);
  const subjectId = user?.id ?? ctx.state.findGroup(ctx.params['id']!)?.id;
  if (!subjectId) throw notFound(ctx.params['id']!);
  const ids = transitive
    ? [...ctx.state.transitiveGroupIds(subjectId)]
    : ctx.state.groups.filter((g) => g.members.some((m) => sameId(m, subjectId))).map((g) => g.id);
  let objects = ids.map((id) => directoryObject(ctx.state, id)).filter((o): o is Record<string, unknown> => o !== null);
  objects = filterRecords(ctx, objects, 'microsoft.graph.group');
  return pageBody(
    ctx,
    objects.map((o) => selectLenient(ctx, o)),
    'directoryObjects',
  );
}

function licenseDetails(ctx: RequestContext): SimResponse {
  requireUser(ctx);
  // Graph documents application permissions as not supported for licenseDetails; every caller here is an app.
  throw new HttpError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

export function registerGraphRoutes(router: Router): void {
  const g = '/graph/:ver';
  const versionCheck =
    (handler: (ctx: RequestContext) => SimResponse) =>
    (ctx: RequestContext): SimResponse => {
      if (ctx.params['ver'] !== 'v1.0' && ctx.params['ver'] !== 'beta') {
        throw new HttpError(400, 'BadRequest', `Invalid version: ${ctx.params['ver']}`);
      }
      return handler(ctx);
    };
  router.add('GET', `${g}/users`, GRAPH, versionCheck(listUsers));
  router.add('GET', `${g}/users/:id`, GRAPH, versionCheck(getUser));
  // A question asked with POST: it changes nothing.
  const QUERY = { ...GRAPH, readOnly: true };
  router.add('POST', `${g}/users/:id/checkMemberGroups`, QUERY, versionCheck(checkMemberGroups));
  router.add('POST', `${g}/directoryObjects/:id/checkMemberGroups`, QUERY, versionCheck(checkMemberGroups));
  router.add(
    'GET',
    `${g}/users/:id/memberOf`,
    GRAPH,
    versionCheck((ctx) => listMemberOf(ctx, false)),
  );
  router.add(
    'GET',
    `${g}/users/:id/transitiveMemberOf`,
    GRAPH,
    versionCheck((ctx) => listMemberOf(ctx, true)),
  );
  router.add(
    'GET',
    `${g}/users/:id/memberOf/microsoft.graph.group`,
    GRAPH,
    versionCheck((ctx) => listMemberOf(ctx, false)),
  );
  router.add(
    'GET',
    `${g}/users/:id/transitiveMemberOf/microsoft.graph.group`,
    GRAPH,
    versionCheck((ctx) => listMemberOf(ctx, true)),
  );
  router.add('GET', `${g}/users/:id/licenseDetails`, GRAPH, versionCheck(licenseDetails));
  router.add('GET', `${g}/groups`, GRAPH, versionCheck(listGroups));
  router.add('GET', `${g}/groups/:id`, GRAPH, versionCheck(getGroup));
  router.add(
    'GET',
    `${g}/groups/:id/members`,
    GRAPH,
    versionCheck((ctx) => listMembers(ctx, false)),
  );
  router.add(
    'GET',
    `${g}/groups/:id/transitiveMembers`,
    GRAPH,
    versionCheck((ctx) => listMembers(ctx, true)),
  );
  router.add(
    'GET',
    `${g}/groups/:id/members/:cast`,
    GRAPH,
    versionCheck((ctx) => listMembers(ctx, false)),
  );
  router.add(
    'GET',
    `${g}/groups/:id/transitiveMembers/:cast`,
    GRAPH,
    versionCheck((ctx) => listMembers(ctx, true)),
  );
}
