import { HttpError } from '../errors.js';
import { GUID_RE, sameId, stableGuid } from '../ids.js';
import {
  evaluateFilter,
  type FilterNode,
  filterProperties,
  ODataQueryError,
  parseExpand,
  parseFilter,
  parseSelect,
  parseTop,
  project,
} from '../odata.js';
import {
  isRecord,
  jsonBody,
  type RequestContext,
  type RouteOptions,
  type Router,
  type SimResponse,
} from '../router.js';
import type { SimDataverse, SimEnvironment, SimSystemUser } from '../state.js';
import { normaliseAudience } from '../tokens.js';

/** Dataverse Web API of each org, under `/dataverse/{domainName}/api/data/v9.x`. */

function dvError(status: number, code: string, message: string): HttpError {
  return new HttpError(status, code, message);
}

function findOrg(ctx: RequestContext): SimEnvironment & { dataverse: SimDataverse } {
  const domain = ctx.params['domain']!;
  const env = ctx.state.findEnvironmentByDomain(domain);
  // A Dataverse org being created is not reachable yet.
  if (!env?.dataverse || (env.provisioningState ?? 'Succeeded') !== 'Succeeded')
    throw dvError(404, 'NotFound', `No Dataverse organization with the domain name '${domain}' exists.`);
  if (!/^v9\.[0-2]$/.test(ctx.params['ver'] ?? 'v9.2')) {
    throw dvError(404, '0x8006088a', `Resource not found for the segment '${ctx.params['ver']}'.`);
  }
  return env as SimEnvironment & { dataverse: SimDataverse };
}

/** Audiences a Dataverse org accepts: its real origin(s), e.g. `https://contosohr.crm4.dynamics.com`. */
function orgAudiences(ctx: RequestContext): string[] {
  const env = findOrg(ctx);
  const dv = env.dataverse;
  const origins = [
    new URL(dv.instanceUrl).origin,
    new URL(dv.instanceApiUrl).origin,
    `https://${dv.domainName}.crm.dynamics.com`,
  ];
  return [...new Set(origins.map(normaliseAudience))];
}

const DV: RouteOptions = { family: 'dataverse', audiences: orgAudiences, apiVersion: 'optional' };

/** The org for a request; with `enforceDataverseMembership`, the caller must be an application user of it. */
function org(ctx: RequestContext): { env: SimEnvironment; dv: SimDataverse; apiBase: string } {
  const env = findOrg(ctx);
  const dv = env.dataverse;
  if (ctx.state.enforceDataverseMembership) {
    const member = dv.systemusers.some(
      (s) => sameId(s.applicationid ?? null, ctx.token?.appid ?? null) && !s.isdisabled,
    );
    if (!member) throw dvError(403, '0x80072560', 'The user is not a member of the organization.');
  }
  return { env, dv, apiBase: `${ctx.baseUrl}/dataverse/${dv.domainName}/api/data/${ctx.params['ver']}` };
}

function etag(seed: string): string {
  return `W/"${Number.parseInt(stableGuid(seed).slice(0, 7), 16)}"`;
}

function systemUserRecord(ctx: RequestContext, dv: SimDataverse, su: SimSystemUser): Record<string, unknown> {
  const user = ctx.state.findUser(su.azureactivedirectoryobjectid);
  const isApp = Boolean(su.applicationid);
  return {
    '@odata.etag': etag(`${su.systemuserid}:${su.roles.join(',')}`),
    systemuserid: su.systemuserid,
    azureactivedirectoryobjectid: su.azureactivedirectoryobjectid,
    domainname: su.domainname,
    fullname: su.fullname ?? user?.displayName ?? su.domainname,
    internalemailaddress: su.internalemailaddress ?? user?.mail ?? null,
    _businessunitid_value: su.businessunitid ?? dv.rootBusinessUnitId,
    isdisabled: su.isdisabled ?? (user ? !user.accountEnabled : false),
    accessmode: isApp ? 4 : 0,
    applicationid: su.applicationid ?? null,
    islicensed: isApp ? false : Boolean(user && ctx.state.hasPowerAppsPlan(user)),
  };
}

function roleRecord(dv: SimDataverse, role: SimDataverse['roles'][number]): Record<string, unknown> {
  return {
    '@odata.etag': etag(role.roleid),
    roleid: role.roleid,
    name: role.name,
    _businessunitid_value: role.businessunitid ?? dv.rootBusinessUnitId,
    roletemplateid: stableGuid(`role-template:${role.name}`),
    ismanaged: false,
  };
}

function businessUnitRecord(
  env: SimEnvironment,
  dv: SimDataverse,
  child?: { businessunitid: string; name: string },
): Record<string, unknown> {
  const id = child?.businessunitid ?? dv.rootBusinessUnitId;
  return {
    '@odata.etag': etag(id),
    businessunitid: id,
    name: child?.name ?? dv.domainName,
    _parentbusinessunitid_value: child ? dv.rootBusinessUnitId : null,
    isdisabled: false,
    _organizationid_value: dv.organizationId,
    divisionname: env.displayName,
  };
}

function unitOf(dv: SimDataverse, role: SimDataverse['roles'][number]): string {
  return role.businessunitid || dv.rootBusinessUnitId;
}

function entityTypeName(set: string): string {
  return set === 'systemusers' ? 'systemuser' : set === 'roles' ? 'role' : 'businessunit';
}

function queryError(set: string, err: unknown): never {
  if (err instanceof ODataQueryError) {
    const message = err.property
      ? `Could not find a property named '${err.property}' on type 'Microsoft.Dynamics.CRM.${entityTypeName(set)}'.`
      : err.message;
    throw dvError(400, '0x80060888', message);
  }
  throw err;
}

function compileFilter(set: string, raw: string | null, template: Record<string, unknown>): FilterNode | null {
  if (!raw) return null;
  try {
    const node = parseFilter(raw);
    const keys = Object.keys(template).map((k) => k.toLowerCase());
    for (const prop of filterProperties(node)) {
      if (!keys.includes(prop.toLowerCase())) throw new ODataQueryError('unknown property', prop);
    }
    return node;
  } catch (err) {
    return queryError(set, err);
  }
}

function contextUrl(apiBase: string, set: string, select: string[] | null, expandSel: string[]): string {
  const parts = [...(select ?? []), ...expandSel];
  return `${apiBase}/$metadata#${set}${parts.length > 0 ? `(${parts.join(',')})` : ''}`;
}

/** Applies $filter, $select, $top to a collection and wraps it in an OData response. */
function collection(
  ctx: RequestContext,
  set: string,
  apiBase: string,
  records: Record<string, unknown>[],
  template: Record<string, unknown>,
  key: string,
  expand?: (rec: Record<string, unknown>) => Record<string, unknown>,
  expandSel: string[] = [],
): SimResponse {
  const filter = compileFilter(set, ctx.query.get('$filter'), template);
  try {
    const select = parseSelect(ctx.query.get('$select'));
    if (select) project(template, select);
    const top = parseTop(ctx.query.get('$top'));
    let rows = filter ? records.filter((r) => evaluateFilter(filter, r)) : records;
    let nextLink: string | null = null;
    if (top !== null) rows = rows.slice(0, top);
    else ({ rows, nextLink } = page(ctx, rows));
    const value = rows.map((r) => {
      const projected = project(r, select, [key]);
      return expand ? { ...projected, ...expand(r) } : projected;
    });
    const body: Record<string, unknown> = { '@odata.context': contextUrl(apiBase, set, select, expandSel), value };
    if (nextLink) body['@odata.nextLink'] = nextLink;
    const preferred = /odata\.maxpagesize=\d+/i.exec(String(ctx.headers['prefer'] ?? ''));
    return {
      status: 200,
      headers: { 'OData-Version': '4.0', ...(preferred ? { 'Preference-Applied': preferred[0] } : {}) },
      body,
    };
  } catch (err) {
    return queryError(set, err);
  }
}

/**
 * One page of a collection without `$top`: at most `dataverseMaxPageSize` rows, fewer when the caller asks with
 * `Prefer: odata.maxpagesize=N`; `$skiptoken` (opaque to clients; an offset here) picks the page.
 */
function page<T>(ctx: RequestContext, rows: T[]): { rows: T[]; nextLink: string | null } {
  const asked = /odata\.maxpagesize=(\d+)/i.exec(String(ctx.headers['prefer'] ?? ''));
  const size = Math.max(
    1,
    Math.min(ctx.state.dataverseMaxPageSize, asked ? Number(asked[1]) : Number.MAX_SAFE_INTEGER),
  );
  const token = ctx.query.get('$skiptoken') ?? '0';
  if (!/^\d+$/.test(token)) throw dvError(400, '0x80060888', `The $skiptoken '${token}' is not valid.`);
  const skip = Number(token);
  if (skip + size >= rows.length) return { rows: rows.slice(skip), nextLink: null };
  const next = new URL(ctx.url.toString());
  next.searchParams.set('$skiptoken', String(skip + size));
  return { rows: rows.slice(skip, skip + size), nextLink: `${ctx.baseUrl}${next.pathname}${next.search}` };
}

/** `If-None-Match: null`: the Web API's way to ask for expanded collections without its cache (join-tables). */
function bypassesCache(ctx: RequestContext): boolean {
  const header = ctx.headers['if-none-match'];
  return (Array.isArray(header) ? header[0] : header)?.trim().toLowerCase() === 'null';
}

/**
 * The role names an expanded systemuserroles_association shows. As the real Web API, an expanded collection may
 * come from a cache that does not reflect recent changes (for `dataverseExpandCacheSeconds`), unless the request
 * sends If-None-Match: null; a fresh read refreshes the cache.
 */
function expandedRoleNames(ctx: RequestContext, dv: SimDataverse, su: SimSystemUser, fresh: boolean): string[] {
  const key = `${dv.organizationId}:${su.systemuserid}`;
  const now = ctx.state.clock().getTime();
  const cached = ctx.state.dataverseExpandCache.get(key);
  if (!fresh && cached && now - cached.at < ctx.state.dataverseExpandCacheSeconds * 1000) return cached.roles;
  ctx.state.dataverseExpandCache.set(key, { roles: [...su.roles], at: now });
  return su.roles;
}

/** `$expand=systemuserroles_association($select=…)` for system users. */
function systemUserExpander(ctx: RequestContext, dv: SimDataverse) {
  let items: ReturnType<typeof parseExpand>;
  try {
    items = parseExpand(ctx.query.get('$expand'));
  } catch (err) {
    return queryError('systemusers', err);
  }
  for (const item of items) {
    if (item.name.toLowerCase() !== 'systemuserroles_association') {
      throw dvError(
        400,
        '0x80060888',
        `Could not find a property named '${item.name}' on type 'Microsoft.Dynamics.CRM.systemuser'.`,
      );
    }
  }
  const item = items[0];
  if (!item) return { expand: undefined, sel: [] as string[] };
  const template = roleRecord(dv, { roleid: '', name: '', businessunitid: '' });
  try {
    if (item.select) project(template, item.select);
  } catch (err) {
    return queryError('roles', err);
  }
  const sel = [`systemuserroles_association(${(item.select ?? []).join(',')})`];
  const fresh = bypassesCache(ctx);
  const expand = (rec: Record<string, unknown>) => {
    const su = dv.systemusers.find((s) => s.systemuserid === rec['systemuserid']);
    const held = su ? expandedRoleNames(ctx, dv, su, fresh) : [];
    const unit = su?.businessunitid ?? dv.rootBusinessUnitId;
    // Each held role as the copy in the user's business unit (the root one when the unit has none).
    const roles = held.flatMap((n) => {
      const named = dv.roles.filter((r) => r.name.toLowerCase() === n.toLowerCase());
      const role =
        named.find((r) => unitOf(dv, r) === unit) ?? named.find((r) => unitOf(dv, r) === dv.rootBusinessUnitId);
      return role ? [role] : [];
    });
    return { systemuserroles_association: roles.map((r) => project(roleRecord(dv, r), item.select, ['roleid'])) };
  };
  return { expand, sel };
}

function findSystemUser(dv: SimDataverse, key: string): SimSystemUser {
  const alt = /^azureactivedirectoryobjectid=(.+)$/i.exec(key);
  const id = (alt ? alt[1]! : key).replace(/^'|'$/g, '');
  if (!GUID_RE.test(id)) throw dvError(400, '0x80060888', `Invalid key '${key}' for the entity set 'systemusers'.`);
  const su = alt
    ? dv.systemusers.find((s) => sameId(s.azureactivedirectoryobjectid, id))
    : dv.systemusers.find((s) => sameId(s.systemuserid, id));
  if (!su) throw dvError(404, '0x80040217', `systemuser With Id = ${id} Does Not Exist`);
  return su;
}

function listSystemUsers(ctx: RequestContext): SimResponse {
  const { dv, apiBase } = org(ctx);
  const records = dv.systemusers.map((s) => systemUserRecord(ctx, dv, s));
  const template = systemUserRecord(ctx, dv, {
    systemuserid: '',
    azureactivedirectoryobjectid: '',
    domainname: '',
    roles: [],
  });
  const { expand, sel } = systemUserExpander(ctx, dv);
  return collection(ctx, 'systemusers', apiBase, records, template, 'systemuserid', expand, sel);
}

function getSystemUser(ctx: RequestContext): SimResponse {
  const { dv, apiBase } = org(ctx);
  const su = findSystemUser(dv, ctx.params['id']!);
  const { expand } = systemUserExpander(ctx, dv);
  try {
    const record = systemUserRecord(ctx, dv, su);
    const projected = project(record, parseSelect(ctx.query.get('$select')), ['systemuserid']);
    return {
      status: 200,
      headers: { 'OData-Version': '4.0' },
      body: {
        '@odata.context': `${apiBase}/$metadata#systemusers/$entity`,
        ...projected,
        ...(expand ? expand(record) : {}),
      },
    };
  } catch (err) {
    return queryError('systemusers', err);
  }
}

function listRoles(ctx: RequestContext): SimResponse {
  const { dv, apiBase } = org(ctx);
  const records = dv.roles.map((r) => roleRecord(dv, r));
  return collection(
    ctx,
    'roles',
    apiBase,
    records,
    roleRecord(dv, { roleid: '', name: '', businessunitid: '' }),
    'roleid',
  );
}

function getRole(ctx: RequestContext): SimResponse {
  const { dv, apiBase } = org(ctx);
  const id = ctx.params['id']!;
  const role = dv.roles.find((r) => sameId(r.roleid, id));
  if (!role) throw dvError(404, '0x80040217', `role With Id = ${id} Does Not Exist`);
  try {
    const projected = project(roleRecord(dv, role), parseSelect(ctx.query.get('$select')), ['roleid']);
    return { status: 200, body: { '@odata.context': `${apiBase}/$metadata#roles/$entity`, ...projected } };
  } catch (err) {
    return queryError('roles', err);
  }
}

function listBusinessUnits(ctx: RequestContext): SimResponse {
  const { env, dv, apiBase } = org(ctx);
  const record = businessUnitRecord(env, dv);
  const children = (dv.childBusinessUnits ?? []).map((c) => businessUnitRecord(env, dv, c));
  return collection(ctx, 'businessunits', apiBase, [record, ...children], record, 'businessunitid');
}

function roleIdFromRef(ref: unknown): string | null {
  if (typeof ref !== 'string') return null;
  const m = /roles\(([0-9a-f-]{36})\)\/?$/i.exec(ref.trim());
  return m ? m[1]! : null;
}

function requireRole(dv: SimDataverse, roleId: string) {
  const role = dv.roles.find((r) => sameId(r.roleid, roleId));
  if (!role) {
    throw dvError(
      404,
      '0x80060888',
      `The role with id '${roleId}' does not exist in this organization (invalid role reference).`,
    );
  }
  return role;
}

function associateRole(ctx: RequestContext): SimResponse {
  const { dv } = org(ctx);
  const su = findSystemUser(dv, ctx.params['id']!);
  const body = jsonBody(ctx);
  const ref = isRecord(body) ? body['@odata.id'] : undefined;
  const roleId = roleIdFromRef(ref);
  if (!roleId) {
    throw dvError(
      400,
      '0x80048d19',
      "Error identified in Payload provided by the user: '@odata.id' must reference roles(<roleid>).",
    );
  }
  const role = requireRole(dv, roleId);
  // Roles belong to a business unit; a user gets roles of their own unit. (The real error code is not documented.)
  const unit = su.businessunitid ?? dv.rootBusinessUnitId;
  if (unitOf(dv, role) !== unit) {
    throw dvError(
      400,
      'RoleFromAnotherBusinessUnit',
      `The role '${role.name}' (${role.roleid}) belongs to business unit ${unitOf(dv, role)}, but the user belongs to ${unit}.`,
    );
  }
  if (!su.roles.some((n) => n.toLowerCase() === role.name.toLowerCase())) su.roles.push(role.name);
  return { status: 204, headers: { 'OData-Version': '4.0' } };
}

function disassociate(ctx: RequestContext, roleId: string | null): SimResponse {
  const { dv } = org(ctx);
  const su = findSystemUser(dv, ctx.params['id']!);
  if (!roleId) throw dvError(400, '0x80048d19', "The '$id' query option must reference roles(<roleid>).");
  const role = requireRole(dv, roleId);
  su.roles = su.roles.filter((n) => n.toLowerCase() !== role.name.toLowerCase());
  return { status: 204, headers: { 'OData-Version': '4.0' } };
}

function whoAmI(ctx: RequestContext): SimResponse {
  const { dv, apiBase } = org(ctx);
  const appUser = dv.systemusers.find((s) => sameId(s.applicationid ?? null, ctx.token?.appid ?? null));
  return {
    status: 200,
    body: {
      '@odata.context': `${apiBase}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
      BusinessUnitId: dv.rootBusinessUnitId,
      UserId: appUser?.systemuserid ?? stableGuid(`app-user:${dv.organizationId}:${ctx.token?.appid}`),
      OrganizationId: dv.organizationId,
    },
  };
}

function unknownSegment(ctx: RequestContext): SimResponse {
  org(ctx);
  throw dvError(404, '0x8006088a', `Resource not found for the segment '${ctx.params['segment']}'.`);
}

export function registerDataverseRoutes(router: Router): void {
  const api = '/dataverse/:domain/api/data/:ver';
  router.add('GET', `${api}/systemusers`, DV, listSystemUsers);
  router.add('GET', `${api}/systemusers(:id)`, DV, getSystemUser);
  router.add('POST', `${api}/systemusers(:id)/systemuserroles_association/$ref`, DV, associateRole);
  router.add('DELETE', `${api}/systemusers(:id)/systemuserroles_association/$ref`, DV, (ctx) =>
    disassociate(ctx, roleIdFromRef(ctx.query.get('$id'))),
  );
  router.add('DELETE', `${api}/systemusers(:id)/systemuserroles_association(:roleId)/$ref`, DV, (ctx) =>
    disassociate(ctx, ctx.params['roleId']!),
  );
  router.add('GET', `${api}/roles`, DV, listRoles);
  router.add('GET', `${api}/roles(:id)`, DV, getRole);
  router.add('GET', `${api}/businessunits`, DV, listBusinessUnits);
  router.add('GET', `${api}/WhoAmI`, DV, whoAmI);
  router.add('GET', `${api}/WhoAmI()`, DV, whoAmI);
  for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) router.add(method, `${api}/:segment`, DV, unknownSegment);
}
