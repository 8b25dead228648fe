import { sameId } from '../ids.js';
import type { RequestContext, Router, SimResponse } from '../router.js';
import { issueToken } from '../tokens.js';

/** `/login` = https://login.microsoftonline.com: OpenID metadata, instance discovery and the client-credentials grant. */

const AAD = { family: 'aad', audiences: null } as const;
const TOKEN_LIFETIME = 3599;

function aadError(
  ctx: RequestContext,
  status: number,
  error: string,
  aadsts: number,
  description: string,
): SimResponse {
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${aadsts}: ${description}\r\nTrace ID: ${ctx.requestId}\r\nTimestamp: ${ctx.state.now()}`,
      error_codes: [aadsts],
      timestamp: ctx.state.now(),
      trace_id: ctx.requestId,
      correlation_id: ctx.requestId,
    },
  };
}

function isThisTenant(ctx: RequestContext, tenant: string): boolean {
  return sameId(tenant, ctx.state.tenant.id) || sameId(tenant, ctx.state.tenant.domain);
}

function openIdConfiguration(ctx: RequestContext, tenant: string): Record<string, unknown> {
  const multi = ['common', 'organizations', 'consumers'].includes(tenant.toLowerCase());
  const tid = multi ? '{tenantid}' : ctx.state.tenant.id;
  const root = `${ctx.baseUrl}/login/${tenant}`;
  return {
    token_endpoint: `${root}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${ctx.baseUrl}/login/${tenant}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${ctx.baseUrl}/login/${tid}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${ctx.baseUrl}/graph/oidc/userinfo`,
    authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${root}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'oid', 'tid', 'ver'],
    kerberos_endpoint: `${root}/kerberos`,
    tenant_region_scope: 'NA',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

function discovery(ctx: RequestContext, tenant: string): SimResponse {
  const host = new URL(ctx.baseUrl).host;
  return {
    status: 200,
    body: {
      tenant_discovery_endpoint: `${ctx.baseUrl}/login/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    },
  };
}

function token(ctx: RequestContext): SimResponse {
  const tenant = ctx.params['tenant']!;
  const contentType = String(ctx.headers['content-type'] ?? '');
  if (!contentType.toLowerCase().includes('application/x-www-form-urlencoded')) {
    return aadError(
      ctx,
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  }
  const form = new URLSearchParams(ctx.rawBody);
  const grantType = form.get('grant_type');
  if (!grantType) {
    return aadError(
      ctx,
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  }
  if (grantType !== 'client_credentials') {
    return aadError(
      ctx,
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grantType}'.`,
    );
  }
  if (!isThisTenant(ctx, tenant)) {
    return aadError(
      ctx,
      400,
      'invalid_request',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  // client_secret_basic: credentials in the Authorization header.
  let clientId = form.get('client_id');
  let clientSecret = form.get('client_secret');
  const basic = /^Basic\s+(.+)$/i.exec(String(ctx.headers.authorization ?? ''));
  if (basic) {
    const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
    clientId ??= decodeURIComponent(id ?? '');
    clientSecret ??= decodeURIComponent(secret ?? '');
  }
  const assertion = form.get('client_assertion');
  if (!clientId) {
    return aadError(
      ctx,
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  if (!clientSecret && !assertion) {
    return aadError(
      ctx,
      400,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  if (assertion && form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
    return aadError(ctx, 400, 'invalid_request', 50027, 'Invalid client_assertion_type for a JWT client assertion.');
  }
  const known = ctx.state.clientCredentials;
  if (known.length > 0) {
    const entry = known.find((c) => sameId(c.clientId, clientId));
    if (!entry) {
      return aadError(
        ctx,
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${ctx.state.tenant.id}'.`,
      );
    }
    if (clientSecret && entry.clientSecret !== undefined && entry.clientSecret !== clientSecret) {
      return aadError(ctx, 401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    }
  }
  const scopes = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
  const resourceScopes = scopes.filter((s) => !['openid', 'profile', 'offline_access', 'email'].includes(s));
  if (resourceScopes.length === 0) {
    return aadError(
      ctx,
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'scope'.",
    );
  }
  if (resourceScopes.length > 1 || !resourceScopes[0]!.endsWith('/.default')) {
    return aadError(
      ctx,
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${resourceScopes.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const audience = resourceScopes[0]!.slice(0, -'/.default'.length);
  const issued = issueToken(audience, { appId: clientId, tenantId: ctx.state.tenant.id });
  return {
    status: 200,
    headers: { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' },
    body: {
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME,
      ext_expires_in: TOKEN_LIFETIME,
      access_token: issued.token,
    },
  };
}

export function registerLoginRoutes(router: Router): void {
  router.add('GET', '/login/:tenant/v2.0/.well-known/openid-configuration', AAD, (ctx) => ({
    status: 200,
    body: openIdConfiguration(ctx, ctx.params['tenant']!),
  }));
  router.add('GET', '/login/:tenant/.well-known/openid-configuration', AAD, (ctx) => ({
    status: 200,
    body: openIdConfiguration(ctx, ctx.params['tenant']!),
  }));
  router.add('GET', '/login/:tenant/discovery/instance', AAD, (ctx) => discovery(ctx, ctx.params['tenant']!));
  router.add('GET', '/login/:tenant/discovery/v2.0/keys', AAD, () => ({ status: 200, body: { keys: [] } }));
  router.add('POST', '/login/:tenant/oauth2/v2.0/token', AAD, token);
}
