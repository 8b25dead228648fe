import { armError } from '../errors.js';
import type { RequestContext, RouteOptions } from '../router.js';
import type { SimEnvironment, SimulatorState } from '../state.js';
import { AUDIENCES, servicePrincipalId } from '../tokens.js';

/** Route presets and helpers shared by the BAP / PowerApps / Flow families. */

export const API_VERSIONS = [
  '2016-11-01',
  '2017-05-01',
  '2018-01-01',
  '2018-10-01',
  '2019-05-01',
  '2019-10-01',
  '2020-06-01',
  '2020-08-01',
  '2020-10-01',
  '2021-03-01',
  '2021-04-01',
  '2022-05-01',
  '2023-06-01',
];

const bapAudiences = () => [AUDIENCES.powerapps, AUDIENCES.bap];

/** BAP and PowerApps admin routes (api-version required). */
export const BAP: RouteOptions = { family: 'arm', audiences: bapAudiences, apiVersion: 'required' };
/** DLP v2 / connector metadata (no api-version). */
export const BAP_NO_VERSION: RouteOptions = { family: 'arm', audiences: bapAudiences, apiVersion: 'optional' };
export const FLOW: RouteOptions = { family: 'arm', audiences: () => [AUDIENCES.flow], apiVersion: 'required' };

export const BAP_PREFIX = '/bap/providers/Microsoft.BusinessAppPlatform';

export function envResourceId(name: string): string {
  return `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${name}`;
}

export function requireEnvironment(state: SimulatorState, name: string): SimEnvironment {
  const env = state.findEnvironment(name);
  if (!env)
    throw armError(
      404,
      'EnvironmentNotFound',
      `The environment '${name}' could not be found in the tenant '${state.tenant.id}'.`,
    );
  return env;
}

/** A principal as BAP/PowerApps describe it (`createdBy`, `owner`, role-assignment principals). */
export function principalRef(state: SimulatorState, id: string): Record<string, unknown> {
  const user = state.findUser(id);
  if (user) {
    return {
      id: user.id,
      displayName: user.displayName,
      email: user.mail,
      type: 'User',
      tenantId: state.tenant.id,
      userPrincipalName: user.userPrincipalName,
    };
  }
  const group = state.findGroup(id);
  if (group)
    return { id: group.id, displayName: group.displayName, email: '', type: 'Group', tenantId: state.tenant.id };
  return { id, displayName: 'SYSTEM', type: 'Application', tenantId: state.tenant.id };
}

/** The caller's object id (its service principal) from the token. */
export function callerObjectId(ctx: RequestContext): string {
  return ctx.token?.oid ?? servicePrincipalId(ctx.token?.appid ?? 'anonymous');
}

export function nextLinkBody(value: unknown[], nextLink: string | null): Record<string, unknown> {
  return nextLink ? { value, nextLink } : { value };
}
