import { armError, type HttpError } from '../errors.js';
import type { FixtureConnectorGroup, FixturePolicyEnvironment } from '../fixture.js';
import { newGuid, sameId } from '../ids.js';
import { isRecord, objectBody, type RequestContext, type Router, type SimResponse } from '../router.js';
import type { SimDlpPolicy, SimulatorState } from '../state.js';
import { BAP_NO_VERSION, callerObjectId, envResourceId, principalRef } from './common.js';

/** DLP policies, v2 wrapped schema (`PowerPlatform.Governance/v2/policies`), and connector metadata. */

const CLASSIFICATIONS = ['Confidential', 'General', 'Blocked'];
const ENVIRONMENT_TYPES = ['AllEnvironments', 'ExceptEnvironments', 'OnlyEnvironments', 'SingleEnvironment'];
const PREFIX = '/bap/providers/PowerPlatform.Governance';

/** Connectors the service treats as "virtual" (not in the catalogue, classifiable in policies). */
const VIRTUAL_CONNECTORS = [
  { name: 'http', displayName: 'HTTP' },
  { name: 'webhook', displayName: 'HTTP Webhook' },
  { name: 'request', displayName: 'When a HTTP request is received' },
];

function toV2(state: SimulatorState, p: SimDlpPolicy): Record<string, unknown> {
  const person = (id: string) => {
    const ref = principalRef(state, id);
    return {
      id,
      displayName: ref['displayName'],
      userPrincipalName: ref['userPrincipalName'] ?? null,
      type: ref['type'],
    };
  };
  return {
    policyDefinition: {
      name: p.name,
      displayName: p.displayName,
      defaultConnectorsClassification: p.defaultConnectorsClassification,
      environmentType: p.environmentType,
      environments: p.environments,
      connectorGroups: p.connectorGroups,
      etag: p.etag,
      createdBy: person(p.createdBy),
      createdTime: p.createdTime,
      lastModifiedBy: person(p.lastModifiedBy),
      lastModifiedTime: p.lastModifiedTime,
      isLegacySchemaVersion: false,
    },
    connectorConfigurationsDefinition: p.connectorConfigurationsDefinition ?? {
      connectorActionConfigurations: [],
      endpointConfigurations: [],
    },
    customConnectorUrlPatternsDefinition: p.customConnectorUrlPatternsDefinition ?? {
      rules: [{ order: 1, customConnectorRuleClassification: 'Ignore', pattern: '*' }],
    },
  };
}

function notFound(state: SimulatorState, name: string): HttpError {
  return armError(
    404,
    'ApiPolicyNotFound',
    `The API policy '${name}' could not be found in the tenant '${state.tenant.id}'.`,
  );
}

function findPolicy(state: SimulatorState, name: string): SimDlpPolicy {
  const policy = state.dlpPolicies.find((p) => sameId(p.name, name));
  if (!policy) throw notFound(state, name);
  return policy;
}

function invalid(code: string, message: string): HttpError {
  return armError(400, code, message);
}

function pick<T extends string>(allowed: T[] | string[], raw: unknown, field: string): string {
  const value = allowed.find((a) => typeof raw === 'string' && a.toLowerCase() === raw.toLowerCase());
  if (!value) throw invalid('InvalidPolicy', `'${field}' must be one of ${allowed.join(', ')} (got '${String(raw)}').`);
  return value;
}

function parseEnvironments(state: SimulatorState, raw: unknown): FixturePolicyEnvironment[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid('InvalidPolicy', "'environments' must be an array.");
  return raw.map((item, i) => {
    if (!isRecord(item)) throw invalid('InvalidPolicy', `environments[${i}] must be an object.`);
    const name =
      typeof item['name'] === 'string'
        ? item['name']
        : String(item['id'] ?? '')
            .split('/')
            .pop() || '';
    const env = state.findEnvironment(name);
    if (!env) {
      throw invalid(
        'EnvironmentNotFound',
        `The environment '${name}' in environments[${i}] does not exist in the tenant.`,
      );
    }
    return { id: envResourceId(env.name), name: env.name, type: 'Microsoft.BusinessAppPlatform/scopes/environments' };
  });
}

function parseGroups(state: SimulatorState, raw: unknown): FixtureConnectorGroup[] {
  if (!Array.isArray(raw)) throw invalid('InvalidPolicy', "'connectorGroups' must be an array.");
  const groups = new Map<string, FixtureConnectorGroup>();
  const seen = new Map<string, string>();
  raw.forEach((g, i) => {
    if (!isRecord(g)) throw invalid('InvalidPolicy', `connectorGroups[${i}] must be an object.`);
    const classification = pick(CLASSIFICATIONS, g['classification'], `connectorGroups[${i}].classification`);
    if (groups.has(classification))
      throw invalid('InvalidPolicy', `The group '${classification}' appears more than once.`);
    const connectors = g['connectors'] ?? [];
    if (!Array.isArray(connectors))
      throw invalid('InvalidPolicy', `connectorGroups[${i}].connectors must be an array.`);
    const refs = connectors.map((c, j) => {
      if (!isRecord(c) || typeof c['id'] !== 'string' || c['id'] === '') {
        throw invalid('InvalidPolicy', `connectorGroups[${i}].connectors[${j}] must have an 'id'.`);
      }
      const id = c['id'];
      const key = id.toLowerCase();
      const previous = seen.get(key);
      if (previous) {
        throw invalid(
          'ConnectorInMultipleGroups',
          `The connector '${id}' is in both the '${previous}' and '${classification}' groups; a connector must be in exactly one group.`,
        );
      }
      seen.set(key, classification);
      const known = state.connectors.find((k) => sameId(k.id, id));
      return {
        id,
        name: typeof c['name'] === 'string' ? c['name'] : (known?.displayName ?? id.split('/').pop()!),
        type: typeof c['type'] === 'string' ? c['type'] : 'Microsoft.PowerApps/apis',
      };
    });
    groups.set(classification, { classification, connectors: refs });
  });
  const blocked = groups.get('Blocked');
  for (const ref of blocked?.connectors ?? []) {
    const connector = state.connectors.find((k) => sameId(k.id, ref.id));
    if (connector?.unblockable) {
      throw invalid(
        'UnblockableConnectorInBlockedGroup',
        `The connector '${connector.displayName}' (${connector.id}) cannot be blocked; move it to the Business (Confidential) or Non-business (General) group.`,
      );
    }
  }
  return CLASSIFICATIONS.map((c) => groups.get(c) ?? { classification: c, connectors: [] });
}

interface PolicyFields {
  displayName: string;
  defaultConnectorsClassification: string;
  environmentType: string;
  environments: FixturePolicyEnvironment[];
  connectorGroups: FixtureConnectorGroup[];
}

/** Validates a (merged) policy definition. */
function validateDefinition(state: SimulatorState, def: Record<string, unknown>): PolicyFields {
  const displayName = def['displayName'];
  if (typeof displayName !== 'string' || displayName.trim() === '') {
    throw invalid('InvalidPolicy', "'displayName' is required.");
  }
  const defaultConnectorsClassification = pick(
    CLASSIFICATIONS,
    def['defaultConnectorsClassification'] ?? 'General',
    'defaultConnectorsClassification',
  );
  const environmentType = pick(ENVIRONMENT_TYPES, def['environmentType'] ?? 'AllEnvironments', 'environmentType');
  const environments = parseEnvironments(state, def['environments']);
  if (environmentType === 'AllEnvironments' && environments.length > 0) {
    throw invalid('InvalidPolicy', "A policy with environmentType 'AllEnvironments' must not list environments.");
  }
  if (
    (environmentType === 'OnlyEnvironments' || environmentType === 'SingleEnvironment') &&
    environments.length === 0
  ) {
    throw invalid(
      'InvalidPolicy',
      `A policy with environmentType '${environmentType}' must list at least one environment.`,
    );
  }
  if (environmentType === 'SingleEnvironment' && environments.length !== 1) {
    throw invalid(
      'InvalidPolicy',
      "A policy with environmentType 'SingleEnvironment' must list exactly one environment.",
    );
  }
  const connectorGroups = parseGroups(state, def['connectorGroups'] ?? []);
  return {
    displayName: displayName.trim(),
    defaultConnectorsClassification,
    environmentType,
    environments,
    connectorGroups,
  };
}

function definitionOf(body: Record<string, unknown>): Record<string, unknown> {
  const def = body['policyDefinition'];
  if (!isRecord(def)) throw invalid('InvalidPolicy', "The request body must contain a 'policyDefinition' object.");
  return def;
}

/**
 * The list carries each policy's definition without its connector groups (and without the connector and
 * custom-connector rules): as the real service, whose list Microsoft's Terraform provider follows with one GET
 * per policy. Only the single-policy GET has the classifications.
 */
function listPolicies(ctx: RequestContext): SimResponse {
  const value = ctx.state.dlpPolicies.map((p) => {
    const full = toV2(ctx.state, p);
    const { connectorGroups: _groups, ...definition } = full['policyDefinition'] as Record<string, unknown>;
    return { policyDefinition: definition };
  });
  return { status: 200, body: { value } };
}

function getPolicy(ctx: RequestContext): SimResponse {
  return { status: 200, body: toV2(ctx.state, findPolicy(ctx.state, ctx.params['name']!)) };
}

function createPolicy(ctx: RequestContext): SimResponse {
  const body = objectBody(ctx, 'InvalidPolicy');
  const def = definitionOf(body);
  const fields = validateDefinition(ctx.state, def);
  const requestedName = typeof def['name'] === 'string' && def['name'] !== '' ? def['name'] : null;
  if (requestedName && ctx.state.dlpPolicies.some((p) => sameId(p.name, requestedName))) {
    throw armError(409, 'PolicyAlreadyExists', `A policy named '${requestedName}' already exists.`);
  }
  const now = ctx.state.now();
  const caller = callerObjectId(ctx);
  const policy: SimDlpPolicy = {
    name: requestedName ?? newGuid(),
    ...fields,
    createdBy: caller,
    createdTime: now,
    etag: newGuid(),
    lastModifiedBy: caller,
    lastModifiedTime: now,
  };
  if (body['connectorConfigurationsDefinition'] !== undefined) {
    policy.connectorConfigurationsDefinition = body['connectorConfigurationsDefinition'];
  }
  if (body['customConnectorUrlPatternsDefinition'] !== undefined) {
    policy.customConnectorUrlPatternsDefinition = body['customConnectorUrlPatternsDefinition'];
  }
  ctx.state.dlpPolicies.push(policy);
  return { status: 201, body: toV2(ctx.state, policy) };
}

/**
 * Whether BAP enforces the etag on a PATCH is not documented (the Terraform provider and the PowerShell module send
 * none), so by default the simulator does not: last writer wins. Tests of the stale-etag path turn it on.
 */
function checkEtag(ctx: RequestContext, policy: SimDlpPolicy, bodyEtag: unknown): void {
  if (!ctx.state.dlpEnforcesEtag) return;
  const stale = (value: string) => value !== '*' && value.replace(/^W\//, '').replace(/"/g, '') !== policy.etag;
  const ifMatch = ctx.headers['if-match'];
  const headerEtag = Array.isArray(ifMatch) ? ifMatch[0] : ifMatch;
  if ((headerEtag && stale(headerEtag)) || (typeof bodyEtag === 'string' && bodyEtag !== '' && stale(bodyEtag))) {
    throw armError(
      412,
      'PreconditionFailed',
      `The policy '${policy.name}' has been modified since it was read (current etag '${policy.etag}'). Read it again and retry.`,
    );
  }
}

function updatePolicy(ctx: RequestContext): SimResponse {
  const policy = findPolicy(ctx.state, ctx.params['name']!);
  const body = objectBody(ctx, 'InvalidPolicy');
  const def = definitionOf(body);
  if (typeof def['name'] === 'string' && def['name'] !== '' && !sameId(def['name'], policy.name)) {
    throw invalid(
      'InvalidPolicy',
      `The policy name in the body ('${def['name']}') does not match the URL ('${policy.name}').`,
    );
  }
  checkEtag(ctx, policy, def['etag']);
  const merged: Record<string, unknown> = {
    displayName: policy.displayName,
    defaultConnectorsClassification: policy.defaultConnectorsClassification,
    environmentType: policy.environmentType,
    environments: policy.environments,
    connectorGroups: policy.connectorGroups,
  };
  for (const key of Object.keys(merged)) if (def[key] !== undefined) merged[key] = def[key];
  const fields = validateDefinition(ctx.state, merged);
  Object.assign(policy, fields, {
    etag: newGuid(),
    lastModifiedBy: callerObjectId(ctx),
    lastModifiedTime: ctx.state.now(),
  });
  if (body['connectorConfigurationsDefinition'] !== undefined) {
    policy.connectorConfigurationsDefinition = body['connectorConfigurationsDefinition'];
  }
  if (body['customConnectorUrlPatternsDefinition'] !== undefined) {
    policy.customConnectorUrlPatternsDefinition = body['customConnectorUrlPatternsDefinition'];
  }
  return { status: 200, body: toV2(ctx.state, policy) };
}

function deletePolicy(ctx: RequestContext): SimResponse {
  const policy = findPolicy(ctx.state, ctx.params['name']!);
  ctx.state.dlpPolicies = ctx.state.dlpPolicies.filter((p) => p !== policy);
  return { status: 200 };
}

function unblockable(ctx: RequestContext): SimResponse {
  return {
    status: 200,
    body: ctx.state.connectors.map((c) => ({ id: c.id, metadata: { unblockable: c.unblockable } })),
  };
}

function virtualConnectors(): SimResponse {
  return {
    status: 200,
    body: VIRTUAL_CONNECTORS.map((v) => ({
      id: `/providers/Microsoft.PowerApps/apis/${v.name}`,
      metadata: { virtualConnector: true, name: v.name, type: 'Microsoft.PowerApps/apis', displayName: v.displayName },
    })),
  };
}

export function registerDlpRoutes(router: Router): void {
  router.add('GET', `${PREFIX}/v2/policies`, BAP_NO_VERSION, listPolicies);
  router.add('POST', `${PREFIX}/v2/policies`, BAP_NO_VERSION, createPolicy);
  router.add('GET', `${PREFIX}/v2/policies/:name`, BAP_NO_VERSION, getPolicy);
  router.add('PATCH', `${PREFIX}/v2/policies/:name`, BAP_NO_VERSION, updatePolicy);
  router.add('DELETE', `${PREFIX}/v2/policies/:name`, BAP_NO_VERSION, deletePolicy);
  router.add('GET', `${PREFIX}/v1/connectors/metadata/unblockable`, BAP_NO_VERSION, unblockable);
  router.add('GET', `${PREFIX}/v1/connectors/metadata/virtual`, BAP_NO_VERSION, virtualConnectors);
}
