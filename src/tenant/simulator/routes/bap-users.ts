import { armError } from '../errors.js';
import type { FixtureRoleAssignment } from '../fixture.js';
import { GUID_RE, newGuid, sameId } from '../ids.js';
import { isRecord, objectBody, type RequestContext, type Router, type SimResponse } from '../router.js';
import type { SimEnvironment, SimulatorState } from '../state.js';
import { servicePrincipalId } from '../tokens.js';
import { BAP, BAP_PREFIX, envResourceId, principalRef, requireEnvironment } from './common.js';

/** BAP environment role assignments (environments without Dataverse) and Dataverse user sync (addUser / addAppUser). */

const ROLES = ['EnvironmentAdmin', 'EnvironmentMaker'];
const PRINCIPAL_TYPES = ['User', 'Group', 'Tenant'];

function requireNoDataverse(env: SimEnvironment): void {
  if (env.dataverse) {
    throw armError(
      403,
      'Forbidden',
      `The environment '${env.name}' has a linked Dataverse (CDS 2.0) instance. Environment role assignments are not supported for it; assign Dataverse security roles instead.`,
    );
  }
}

function toRoleAssignment(
  state: SimulatorState,
  env: SimEnvironment,
  ra: FixtureRoleAssignment,
): Record<string, unknown> {
  const scope = envResourceId(env.name);
  let principal: Record<string, unknown>;
  if (ra.principal.type === 'Tenant') {
    principal = {
      id: ra.principal.id,
      displayName: state.tenant.displayName,
      email: '',
      type: 'Tenant',
      tenantId: state.tenant.id,
    };
  } else {
    const ref = principalRef(state, ra.principal.id);
    principal = {
      id: ra.principal.id,
      displayName: ref['displayName'] ?? '',
      email: ref['email'] ?? '',
      type: ra.principal.type,
      tenantId: state.tenant.id,
    };
  }
  return {
    id: `${scope}/roleAssignments/${ra.name}`,
    name: ra.name,
    type: 'Microsoft.BusinessAppPlatform/scopes/environments/roleAssignments',
    properties: {
      scope,
      roleDefinition: {
        id: `${scope}/roleDefinitions/${ra.role}`,
        name: ra.role,
        type: 'Microsoft.BusinessAppPlatform/scopes/environments/roleDefinitions',
      },
      principal,
    },
  };
}

function listRoleAssignments(ctx: RequestContext): SimResponse {
  const env = requireEnvironment(ctx.state, ctx.params['envId']!);
  requireNoDataverse(env);
  return { status: 200, body: { value: env.roleAssignments.map((ra) => toRoleAssignment(ctx.state, env, ra)) } };
}

function bad(message: string) {
  return armError(400, 'InvalidRequestContent', message);
}

interface ParsedAdd {
  role: string;
  principal: { id: string; type: string };
}

function parseAdd(state: SimulatorState, item: unknown, index: number): ParsedAdd {
  const props = isRecord(item) ? item['properties'] : undefined;
  if (!isRecord(props)) throw bad(`add[${index}] must have a 'properties' object.`);
  const roleDef = props['roleDefinition'];
  const roleId = isRecord(roleDef) ? roleDef['id'] : undefined;
  if (typeof roleId !== 'string') throw bad(`add[${index}].properties.roleDefinition.id is required.`);
  const roleName = roleId.split('/').pop() ?? '';
  const role = ROLES.find((r) => r.toLowerCase() === roleName.toLowerCase());
  if (!role)
    throw armError(
      400,
      'InvalidRoleDefinition',
      `The role definition '${roleId}' is not valid. Valid roles: ${ROLES.join(', ')}.`,
    );
  const principal = props['principal'];
  if (!isRecord(principal)) throw bad(`add[${index}].properties.principal is required.`);
  const typeRaw = String(principal['type'] ?? '');
  const type = PRINCIPAL_TYPES.find((t) => t.toLowerCase() === typeRaw.toLowerCase());
  if (!type) throw bad(`add[${index}].properties.principal.type '${typeRaw}' is not valid (User, Group or Tenant).`);
  if (type === 'Tenant') {
    const tid = principal['tenantId'] ?? principal['id'];
    if (tid !== undefined && !sameId(String(tid), state.tenant.id))
      throw bad(`The tenant '${String(tid)}' is not this tenant.`);
    return { role, principal: { id: state.tenant.id, type } };
  }
  const id = principal['id'];
  if (typeof id !== 'string' || !GUID_RE.test(id))
    throw bad(`add[${index}].properties.principal.id must be an object id.`);
  const known = type === 'User' ? state.findUser(id) : state.findGroup(id);
  if (!known)
    throw armError(400, 'PrincipalNotFound', `The ${type.toLowerCase()} '${id}' could not be found in the tenant.`);
  return { role, principal: { id: known.id, type } };
}

function modifyRoleAssignments(ctx: RequestContext): SimResponse {
  const env = requireEnvironment(ctx.state, ctx.params['envId']!);
  requireNoDataverse(env);
  const body = objectBody(ctx);
  const add = body['add'] ?? [];
  const remove = body['remove'] ?? [];
  if (!Array.isArray(add) || !Array.isArray(remove)) throw bad("'add' and 'remove' must be arrays.");
  if (add.length === 0 && remove.length === 0)
    throw bad("The request must contain at least one 'add' or 'remove' item.");
  // Validate everything before changing anything.
  const adds = add.map((item, i) => parseAdd(ctx.state, item, i));
  const removes = remove.map((item, i) => {
    const ref = isRecord(item) ? (item['id'] ?? item['name']) : undefined;
    if (typeof ref !== 'string' || ref === '') throw bad(`remove[${i}] must have an 'id'.`);
    return ref.split('/').pop()!;
  });
  const result: Record<string, unknown> = {};
  if (adds.length > 0) {
    result['add'] = adds.map((a) => {
      const existing = env.roleAssignments.find(
        (ra) =>
          sameId(ra.role, a.role) && sameId(ra.principal.id, a.principal.id) && ra.principal.type === a.principal.type,
      );
      if (existing) return { roleAssignment: toRoleAssignment(ctx.state, env, existing), httpStatus: 'OK' };
      const created: FixtureRoleAssignment = { name: newGuid(), role: a.role, principal: a.principal };
      env.roleAssignments.push(created);
      return { roleAssignment: toRoleAssignment(ctx.state, env, created), httpStatus: 'Created' };
    });
  }
  if (removes.length > 0) {
    result['remove'] = removes.map((name) => {
      const idx = env.roleAssignments.findIndex((ra) => sameId(ra.name, name));
      const id = `${envResourceId(env.name)}/roleAssignments/${name}`;
      if (idx < 0) {
        return {
          id,
          httpStatus: 'NotFound',
          error: { code: 'RoleAssignmentNotFound', message: `The role assignment '${name}' does not exist.` },
        };
      }
      env.roleAssignments.splice(idx, 1);
      return { id, httpStatus: 'OK' };
    });
  }
  return { status: 200, body: result };
}

function requireDataverse(env: SimEnvironment) {
  if (!env.dataverse) {
    throw armError(
      400,
      'EnvironmentHasNoDatabase',
      `The environment '${env.name}' has no Dataverse database; users can only be added to environments with Dataverse.`,
    );
  }
  return env.dataverse;
}

function addUser(ctx: RequestContext): SimResponse {
  const env = requireEnvironment(ctx.state, ctx.params['envId']!);
  const body = objectBody(ctx);
  const objectId = body['objectId'] ?? body['ObjectId'];
  if (typeof objectId !== 'string' || objectId === '') throw bad("The property 'objectId' is required.");
  const dataverse = requireDataverse(env);
  const user = ctx.state.findUser(objectId);
  if (!user)
    throw armError(
      404,
      'UserNotFound',
      `The user '${objectId}' could not be found in the tenant '${ctx.state.tenant.id}'.`,
    );
  if (!user.accountEnabled) {
    throw armError(
      400,
      'userDisabled',
      `The user '${user.userPrincipalName}' is disabled in Microsoft Entra ID and cannot be added.`,
    );
  }
  // A licence assigned moments ago has not reached the Power Platform yet: the same answer, for a while.
  if (!ctx.state.powerAppsPlanPropagated(user)) {
    throw armError(
      400,
      'userNotLicensed',
      `userNotLicensed: The user '${user.userPrincipalName}' does not have a license that gives access to Dataverse (no enabled PowerAppsService plan).`,
    );
  }
  if (
    dataverse.securityGroupId &&
    !ctx.state.transitiveGroupIds(user.id).has(dataverse.securityGroupId.toLowerCase())
  ) {
    throw armError(
      403,
      'userNotMemberOfSecurityGroup',
      `The user '${user.userPrincipalName}' is not a member of the environment's security group '${dataverse.securityGroupId}'.`,
    );
  }
  const su = ctx.state.ensureSystemUser(dataverse, user);
  return {
    status: 200,
    body: { systemUserId: su.systemuserid, objectId: user.id, environmentId: env.name, domainName: su.domainname },
  };
}

function addAppUser(ctx: RequestContext): SimResponse {
  const env = requireEnvironment(ctx.state, ctx.params['envId']!);
  const body = objectBody(ctx);
  const appId = body['servicePrincipalAppId'];
  if (typeof appId !== 'string' || !GUID_RE.test(appId))
    throw bad("The property 'servicePrincipalAppId' must be an application id.");
  const dataverse = requireDataverse(env);
  const su = ctx.state.ensureApplicationUser(dataverse, appId, servicePrincipalId(appId));
  return { status: 200, body: { systemUserId: su.systemuserid, applicationId: appId, environmentId: env.name } };
}

export function registerBapUserRoutes(router: Router): void {
  const env = `${BAP_PREFIX}/scopes/admin/environments/:envId`;
  router.add('GET', `${env}/roleAssignments`, BAP, listRoleAssignments);
  router.add('POST', `${env}/modifyRoleAssignments`, BAP, modifyRoleAssignments);
  router.add('POST', `${env}/addUser`, BAP, addUser);
  router.add('POST', `${env}/addAppUser`, BAP, addAppUser);
}
