import { toBapEnvironment } from '../bap-model.js';
import { armError } from '../errors.js';
import { sameId } from '../ids.js';
import {
  advance,
  buildPendingEnvironment,
  domainInUseError,
  domainNameInUse,
  operationBody,
  startCreate,
  validateDomainName,
} from '../lifecycle.js';
import { paginate } from '../odata.js';
import { objectBody, type RequestContext, type Router, type SimResponse } from '../router.js';
import { BAP, BAP_PREFIX, callerObjectId, nextLinkBody, requireEnvironment } from './common.js';

/** BAP environments: list/get, locations, currencies, languages, domain validation, creation (LRO). */

function listEnvironments(ctx: RequestContext): SimResponse {
  const all = ctx.state.environments.map((e) => toBapEnvironment(ctx.state, e, ctx.baseUrl));
  const { page, nextLink } = paginate(all, ctx.url, ctx.baseUrl, Number.MAX_SAFE_INTEGER);
  return { status: 200, body: nextLinkBody(page, nextLink) };
}

function getEnvironment(ctx: RequestContext): SimResponse {
  const env = requireEnvironment(ctx.state, ctx.params['envId']!);
  return { status: 200, body: toBapEnvironment(ctx.state, env, ctx.baseUrl) };
}

function requireLocation(ctx: RequestContext) {
  const name = ctx.params['location']!;
  const loc = ctx.state.locations.find((l) => sameId(l.name, name));
  if (!loc) throw armError(404, 'LocationNotFound', `The location '${name}' could not be found.`);
  return loc;
}

function listLocations(ctx: RequestContext): SimResponse {
  const value = ctx.state.locations.map((l, i) => ({
    id: `/providers/Microsoft.BusinessAppPlatform/locations/${l.name}`,
    type: 'Microsoft.BusinessAppPlatform/locations',
    name: l.name,
    properties: {
      displayName: l.displayName,
      code: l.displayName,
      isDefault: i === 0,
      isDisabled: false,
      canProvisionDatabase: true,
      canProvisionCustomerEngagementDatabase: true,
      azureRegions: l.azureRegions,
    },
  }));
  return { status: 200, body: { value } };
}

function listCurrencies(ctx: RequestContext): SimResponse {
  const loc = requireLocation(ctx);
  const value = ctx.state.currencies.map((code, i) => ({
    id: `/providers/Microsoft.BusinessAppPlatform/locations/${loc.name}/environmentCurrencies/${code}`,
    type: 'Microsoft.BusinessAppPlatform/locations/environmentCurrencies',
    name: code,
    properties: { code, symbol: code, isTenantDefault: i === 0 },
  }));
  return { status: 200, body: { value } };
}

function listLanguages(ctx: RequestContext): SimResponse {
  const loc = requireLocation(ctx);
  const value = ctx.state.languages.map((lang, i) => ({
    id: `/providers/Microsoft.BusinessAppPlatform/locations/${loc.name}/environmentLanguages/${lang.lcid}`,
    type: 'Microsoft.BusinessAppPlatform/locations/environmentLanguages',
    name: String(lang.lcid),
    properties: { localeId: lang.lcid, localizedName: lang.name, displayName: lang.name, isTenantDefault: i === 0 },
  }));
  return { status: 200, body: { value } };
}

function validateEnvironmentDetails(ctx: RequestContext): SimResponse {
  const body = objectBody(ctx);
  const domainName = body['domainName'];
  if (typeof domainName !== 'string' || domainName === '') {
    throw armError(400, 'InvalidRequestContent', "The property 'domainName' is required.");
  }
  const location = body['environmentLocation'];
  if (typeof location === 'string' && !ctx.state.locations.some((l) => sameId(l.name, location))) {
    throw armError(400, 'InvalidLocation', `The location '${location}' is not valid.`);
  }
  const lower = domainName.toLowerCase();
  validateDomainName(lower);
  if (domainNameInUse(ctx.state, lower)) throw domainInUseError(lower);
  return { status: 200, body: {} };
}

function operationHeaders(ctx: RequestContext, opId: string): Record<string, string> {
  return {
    Location: `${ctx.baseUrl}${BAP_PREFIX}/lifecycleOperations/${opId}?api-version=2023-06-01`,
    'Retry-After': String(ctx.state.retryAfterSeconds),
  };
}

function createEnvironment(ctx: RequestContext): SimResponse {
  const body = objectBody(ctx);
  const pending = buildPendingEnvironment(ctx.state, body, callerObjectId(ctx));
  const op = startCreate(ctx.state, pending, ctx.token?.appid ?? 'unknown');
  return {
    status: 202,
    headers: operationHeaders(ctx, op.id),
    body: {
      id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${pending.name}`,
      name: pending.name,
      location: pending.location,
      properties: {
        displayName: pending.displayName,
        provisioningState: 'Creating',
        environmentSku: pending.environmentSku,
      },
    },
  };
}

function getOperation(ctx: RequestContext): SimResponse {
  const opId = ctx.params['opId']!;
  const op = [...ctx.state.operations.values()].find((o) => sameId(o.id, opId));
  if (!op) throw armError(404, 'OperationNotFound', `The lifecycle operation '${opId}' could not be found.`);
  advance(ctx.state, op);
  const headers: Record<string, string> =
    op.state === 'Running' ? { 'Retry-After': String(ctx.state.retryAfterSeconds) } : {};
  return { status: 200, headers, body: operationBody(ctx.state, op) };
}

export function registerEnvironmentRoutes(router: Router): void {
  for (const scope of ['/scopes/admin/environments', '/environments']) {
    router.add('GET', `${BAP_PREFIX}${scope}`, BAP, listEnvironments);
    router.add('GET', `${BAP_PREFIX}${scope}/:envId`, BAP, getEnvironment);
  }
  router.add('POST', `${BAP_PREFIX}/environments`, BAP, createEnvironment);
  // A poll advances the operation (and may finish it): it changes the tenant.
  router.add('GET', `${BAP_PREFIX}/lifecycleOperations/:opId`, { ...BAP, readOnly: false }, getOperation);
  router.add('GET', `${BAP_PREFIX}/locations`, BAP, listLocations);
  router.add('GET', `${BAP_PREFIX}/locations/:location/environmentCurrencies`, BAP, listCurrencies);
  router.add('GET', `${BAP_PREFIX}/locations/:location/environmentLanguages`, BAP, listLanguages);
  router.add('POST', `${BAP_PREFIX}/validateEnvironmentDetails`, BAP, validateEnvironmentDetails);
}
