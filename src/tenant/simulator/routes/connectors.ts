import { armError } from '../errors.js';
import type { FixtureConnector } from '../fixture.js';
import { sameId } from '../ids.js';
import type { RequestContext, Router, SimResponse } from '../router.js';
import { BAP } from './common.js';

/** Connector catalogue: `GET /powerapps/providers/Microsoft.PowerApps/apis`. */

export function toApi(c: FixtureConnector): Record<string, unknown> {
  return {
    name: c.name,
    id: c.id,
    type: 'Microsoft.PowerApps/apis',
    properties: {
      displayName: c.displayName,
      iconUri: `https://connectoricons-prod.azureedge.net/${c.name}/icon.png`,
      tier: c.tier,
      publisher: c.publisher,
      isCustomApi: false,
      apiEnvironment: 'Shared',
      description: `${c.displayName} connector`,
      capabilities: [],
    },
  };
}

/** `$filter=environment eq '~Default'` (or an environment id) must name a known environment. */
function checkEnvironmentFilter(ctx: RequestContext): void {
  const filter = ctx.query.get('$filter');
  if (!filter) return;
  const m = /environment\s+eq\s+'([^']*)'/i.exec(filter);
  if (!m) return;
  const env = m[1]!;
  if (env === '~Default' || ctx.state.findEnvironment(env)) return;
  throw armError(
    404,
    'EnvironmentNotFound',
    `The environment '${env}' could not be found in the tenant '${ctx.state.tenant.id}'.`,
  );
}

function listApis(ctx: RequestContext): SimResponse {
  checkEnvironmentFilter(ctx);
  return { status: 200, body: { value: ctx.state.connectors.map(toApi) } };
}

function getApi(ctx: RequestContext): SimResponse {
  const name = ctx.params['api']!;
  const c = ctx.state.connectors.find((k) => sameId(k.name, name));
  if (!c) throw armError(404, 'ApiNotFound', `The API '${name}' could not be found.`);
  return { status: 200, body: toApi(c) };
}

export function registerConnectorRoutes(router: Router): void {
  router.add('GET', '/powerapps/providers/Microsoft.PowerApps/apis', BAP, listApis);
  router.add('GET', '/powerapps/providers/Microsoft.PowerApps/apis/:api', BAP, getApi);
}
