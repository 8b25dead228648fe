import { armError } from '../errors.js';
import type { FixtureResource } from '../fixture.js';
import { sameId, stableGuid } from '../ids.js';
import { ODataQueryError, paginate } from '../odata.js';
import type { RequestContext, Router, SimResponse } from '../router.js';
import type { SimEnvironment, SimulatorState } from '../state.js';
import { BAP, FLOW, nextLinkBody, principalRef, requireEnvironment } from './common.js';

/** Apps (PowerApps admin) and flows (Flow admin) of an environment, with their connection references. */

function connectorOf(state: SimulatorState, id: string) {
  const c = state.connectors.find((k) => sameId(k.id, id));
  const name = id.split('/').pop()!;
  return { name, displayName: c?.displayName ?? name, tier: c?.tier ?? 'Standard' };
}

function appConnectionReferences(state: SimulatorState, r: FixtureResource): Record<string, unknown> {
  const refs: Record<string, unknown> = {};
  for (const id of r.connectors) {
    const c = connectorOf(state, id);
    const key = stableGuid(`connection-reference:${r.name}:${id}`);
    refs[key] = {
      id,
      displayName: c.displayName,
      iconUri: `https://connectoricons-prod.azureedge.net/${c.name}/icon.png`,
      dataSources: [c.displayName],
      dependencies: [],
      dependents: [],
      isOnPremiseConnection: false,
      bypassConsent: false,
      apiTier: c.tier,
      isCustomApiConnection: false,
    };
  }
  return refs;
}

function toApp(state: SimulatorState, env: SimEnvironment, r: FixtureResource): Record<string, unknown> {
  const owner = principalRef(state, r.owner);
  return {
    name: r.name,
    id: `/providers/Microsoft.PowerApps/scopes/admin/environments/${env.name}/apps/${r.name}`,
    type: 'Microsoft.PowerApps/scopes/admin/apps',
    tags: { primaryDeviceWidth: '1366', primaryDeviceHeight: '768', primaryFormFactor: 'Tablet' },
    properties: {
      appVersion: r.lastModifiedTime,
      displayName: r.displayName,
      description: '',
      createdTime: env.createdTime,
      lastModifiedTime: r.lastModifiedTime,
      owner,
      createdBy: owner,
      lastModifiedBy: owner,
      environment: { id: `/providers/Microsoft.PowerApps/environments/${env.name}`, name: env.name },
      connectionReferences: appConnectionReferences(state, r),
      appType: 'ClassicCanvasApp',
      appPlanClassification: r.connectors.some((id) => connectorOf(state, id).tier === 'Premium')
        ? 'Premium'
        : 'Standard',
      sharedUsersCount: 0,
      sharedGroupsCount: 0,
      isFeaturedApp: false,
      bypassConsent: false,
    },
  };
}

function flowConnectionReferences(state: SimulatorState, r: FixtureResource): Record<string, unknown> {
  const refs: Record<string, unknown> = {};
  for (const id of r.connectors) {
    const c = connectorOf(state, id);
    let key = c.name;
    for (let n = 1; key in refs; n++) key = `${c.name}_${n}`;
    refs[key] = {
      connectionName: stableGuid(`connection:${r.name}:${id}`).replace(/-/g, ''),
      source: 'Embedded',
      id,
      displayName: c.displayName,
      iconUri: `https://connectoricons-prod.azureedge.net/${c.name}/icon.png`,
      tier: c.tier === 'Premium' ? 'NotStandard' : 'Standard',
    };
  }
  return refs;
}

function flowBase(env: SimEnvironment, r: FixtureResource) {
  return {
    name: r.name,
    id: `/providers/Microsoft.ProcessSimple/environments/${env.name}/flows/${r.name}`,
    type: 'Microsoft.ProcessSimple/environments/flows',
  };
}

function toFlowSummary(env: SimEnvironment, r: FixtureResource): Record<string, unknown> {
  return {
    ...flowBase(env, r),
    properties: {
      displayName: r.displayName,
      state: r.state,
      createdTime: env.createdTime,
      lastModifiedTime: r.lastModifiedTime,
      workflowEntityId: env.dataverse ? stableGuid(`workflow:${r.name}`) : null,
    },
  };
}

function toFlowDetail(state: SimulatorState, env: SimEnvironment, r: FixtureResource): Record<string, unknown> {
  return {
    ...flowBase(env, r),
    properties: {
      apiId: '/providers/Microsoft.PowerApps/apis/shared_logicflows',
      displayName: r.displayName,
      userType: 'Owner',
      state: r.state,
      createdTime: env.createdTime,
      lastModifiedTime: r.lastModifiedTime,
      environment: {
        name: env.name,
        type: 'Microsoft.ProcessSimple/environments',
        id: `/providers/Microsoft.ProcessSimple/environments/${env.name}`,
      },
      creator: { tenantId: state.tenant.id, objectId: r.owner, userId: r.owner, userType: 'ActiveDirectory' },
      connectionReferences: flowConnectionReferences(state, r),
      flowTriggerUri: null,
      installationStatus: 'NotApplicable',
    },
  };
}

function resourcesOf(state: SimulatorState, env: SimEnvironment, kind: string): FixtureResource[] {
  return state.resources.filter((r) => r.kind === kind && sameId(r.environment, env.name));
}

function page(ctx: RequestContext, items: Record<string, unknown>[]): SimResponse {
  try {
    const { page: value, nextLink } = paginate(items, ctx.url, ctx.baseUrl, 250);
    return { status: 200, body: nextLinkBody(value, nextLink) };
  } catch (err) {
    if (err instanceof ODataQueryError) throw armError(400, 'InvalidQueryParameter', err.message);
    throw err;
  }
}

function listApps(ctx: RequestContext): SimResponse {
  const env = requireEnvironment(ctx.state, ctx.params['envId']!);
  return page(
    ctx,
    resourcesOf(ctx.state, env, 'app').map((r) => toApp(ctx.state, env, r)),
  );
}

function getApp(ctx: RequestContext): SimResponse {
  const env = requireEnvironment(ctx.state, ctx.params['envId']!);
  const name = ctx.params['appName']!;
  const app = resourcesOf(ctx.state, env, 'app').find((r) => sameId(r.name, name));
  if (!app)
    throw armError(404, 'AppNotFound', `The app '${name}' could not be found in the environment '${env.name}'.`);
  return { status: 200, body: toApp(ctx.state, env, app) };
}

/** `include=includeSolutionCloudFlows` (pnp CLI `flow list --withSolutions`): solution flows are left out without it. */
function includesSolutionFlows(ctx: RequestContext): boolean {
  return ctx.query
    .getAll('include')
    .flatMap((v) => v.split(','))
    .some((v) => v.trim().toLowerCase() === 'includesolutioncloudflows');
}

function listFlows(ctx: RequestContext, detailed: boolean): SimResponse {
  const env = requireEnvironment(ctx.state, ctx.params['envId']!);
  if (ctx.state.flowListForbidden) {
    // Flow admin APIs take service principals only where no licence is needed (Learn); a tenant may refuse.
    throw armError(403, 'Forbidden', `The caller is not allowed to list the flows of environment '${env.name}'.`);
  }
  const withSolutions = includesSolutionFlows(ctx);
  const flows = resourcesOf(ctx.state, env, 'flow').filter((r) => withSolutions || !r.solutionAware);
  return page(
    ctx,
    flows.map((r) => (detailed ? toFlowDetail(ctx.state, env, r) : toFlowSummary(env, r))),
  );
}

function getFlow(ctx: RequestContext): SimResponse {
  const env = requireEnvironment(ctx.state, ctx.params['envId']!);
  const name = ctx.params['flowName']!;
  const flow = resourcesOf(ctx.state, env, 'flow').find((r) => sameId(r.name, name));
  if (!flow)
    throw armError(404, 'FlowNotFound', `The flow '${name}' could not be found in the environment '${env.name}'.`);
  return { status: 200, body: toFlowDetail(ctx.state, env, flow) };
}

export function registerInventoryRoutes(router: Router): void {
  const apps = '/powerapps/providers/Microsoft.PowerApps/scopes/admin/environments/:envId/apps';
  router.add('GET', apps, BAP, listApps);
  router.add('GET', `${apps}/:appName`, BAP, getApp);
  const flows = '/flow/providers/Microsoft.ProcessSimple/scopes/admin/environments/:envId';
  router.add('GET', `${flows}/v2/flows`, FLOW, (ctx) => listFlows(ctx, false));
  router.add('GET', `${flows}/flows`, FLOW, (ctx) => listFlows(ctx, true));
  router.add('GET', `${flows}/flows/:flowName`, FLOW, getFlow);
}
