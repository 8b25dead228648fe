import { crmHost } from './bap-model.js';
import { armError } from './errors.js';
import { GUID_RE, newGuid, sameId } from './ids.js';
import { isRecord } from './router.js';
import {
  type LifecycleOperation,
  type SimDataverse,
  type SimEnvironment,
  type SimulatorState,
  STAGES,
} from './state.js';

/** Environment creation as a long-running lifecycle operation. */

export const CREATABLE_SKUS = ['Production', 'Sandbox', 'Trial', 'Developer'];
export const DOMAIN_NAME_RE = /^[a-z][a-z0-9-]{0,62}$/;
export const STANDARD_ROLES = ['System Administrator', 'System Customizer', 'Environment Maker', 'Basic User'];

export function validateDomainName(domainName: string): void {
  if (!DOMAIN_NAME_RE.test(domainName) || domainName.endsWith('-')) {
    throw armError(
      400,
      'InvalidDomainName',
      `The domain name '${domainName}' is not valid: use 1-63 lower-case letters, digits or hyphens, starting with a letter.`,
    );
  }
}

/** True when an existing or pending environment already uses the Dataverse domain name. */
export function domainNameInUse(state: SimulatorState, domainName: string): boolean {
  if (state.findEnvironmentByDomain(domainName)) return true;
  const running = state.runningOperation();
  return running?.pending.dataverse ? sameId(running.pending.dataverse.domainName, domainName) : false;
}

export function domainInUseError(domainName: string) {
  return armError(
    400,
    'DomainNameAlreadyInUse',
    `The domain name '${domainName}' is already in use. Choose another domain name.`,
  );
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Validates a create request and returns the environment it will produce (not yet visible). */
export function buildPendingEnvironment(
  state: SimulatorState,
  body: Record<string, unknown>,
  callerId: string,
): SimEnvironment {
  const props = body['properties'];
  if (!isRecord(props))
    throw armError(400, 'InvalidRequestContent', "The request body must contain a 'properties' object.");
  const location = str(body['location']);
  const loc = location ? state.locations.find((l) => sameId(l.name, location)) : undefined;
  if (!location || !loc) {
    throw armError(
      400,
      'InvalidLocation',
      `The location '${location ?? ''}' is not valid. Valid locations: ${state.locations.map((l) => l.name).join(', ')}.`,
    );
  }
  const displayName = str(props['displayName'])?.trim();
  if (!displayName) throw armError(400, 'InvalidDisplayName', "The property 'displayName' is required.");
  if (displayName.length > 100)
    throw armError(400, 'InvalidDisplayName', "The property 'displayName' is longer than 100 characters.");
  const clash = [...state.environments, ...(state.runningOperation() ? [state.runningOperation()!.pending] : [])].find(
    (e) => e.displayName.toLowerCase() === displayName.toLowerCase(),
  );
  if (clash) {
    throw armError(
      400,
      'EnvironmentDisplayNameAlreadyInUse',
      `An environment named '${displayName}' already exists (${clash.name}). Choose another display name.`,
    );
  }
  const skuRaw = str(props['environmentSku']) ?? '';
  const sku = CREATABLE_SKUS.find((s) => s.toLowerCase() === skuRaw.toLowerCase());
  if (!sku) {
    throw armError(
      400,
      'InvalidEnvironmentSku',
      `The environment SKU '${skuRaw}' is not valid. Valid SKUs: ${CREATABLE_SKUS.join(', ')}.`,
    );
  }
  const regionRaw = str(props['azureRegion']);
  const azureRegion = regionRaw ? loc.azureRegions.find((r) => sameId(r, regionRaw)) : loc.azureRegions[0];
  if (!azureRegion) {
    throw armError(
      400,
      'InvalidAzureRegion',
      `The Azure region '${regionRaw}' is not available in '${loc.name}'. Valid regions: ${loc.azureRegions.join(', ')}.`,
    );
  }
  const databaseType = str(props['databaseType']);
  if (databaseType !== undefined && databaseType !== 'CommonDataService' && databaseType !== 'None') {
    throw armError(400, 'InvalidDatabaseType', `The database type '${databaseType}' is not valid.`);
  }
  const lem = props['linkedEnvironmentMetadata'];
  if (lem !== undefined && lem !== null && !isRecord(lem)) {
    throw armError(400, 'InvalidRequestContent', "'linkedEnvironmentMetadata' must be an object.");
  }
  const wantsDataverse = databaseType === 'CommonDataService' || (isRecord(lem) && databaseType !== 'None');
  const usedByRaw = props['usedBy'];
  let usedBy: string | null = null;
  if (isRecord(usedByRaw) && usedByRaw['id'] !== undefined) {
    const user = state.findUser(String(usedByRaw['id']));
    if (!user)
      throw armError(
        400,
        'InvalidUsedBy',
        `The user '${String(usedByRaw['id'])}' in 'usedBy' does not exist in the tenant.`,
      );
    usedBy = user.id;
  }
  const name = newGuid();
  const env: SimEnvironment = {
    name,
    key: displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    displayName,
    description: str(props['description']) ?? '',
    environmentSku: sku,
    isDefault: false,
    location: loc.name,
    azureRegion,
    createdBy: callerId,
    createdTime: state.now(),
    managed: false,
    dataverse: null,
    roleAssignments: [],
    provisioningState: 'Succeeded',
    usedBy,
  };
  if (wantsDataverse) env.dataverse = buildDataverse(state, isRecord(lem) ? lem : {}, loc.name);
  return env;
}

function buildDataverse(state: SimulatorState, lem: Record<string, unknown>, location: string): SimDataverse {
  const lang = Number(lem['baseLanguage'] ?? 1033);
  if (!state.languages.some((l) => l.lcid === lang)) {
    throw armError(
      400,
      'InvalidLanguage',
      `The base language '${String(lem['baseLanguage'])}' is not available. Valid languages: ${state.languages.map((l) => l.lcid).join(', ')}.`,
    );
  }
  const currencyRaw = lem['currency'];
  const currency = isRecord(currencyRaw) ? str(currencyRaw['code']) : (str(currencyRaw) ?? 'USD');
  const code = state.currencies.find((c) => sameId(c, currency ?? ''));
  if (!code) {
    throw armError(
      400,
      'InvalidCurrency',
      `The currency '${currency ?? ''}' is not available. Valid currencies: ${state.currencies.join(', ')}.`,
    );
  }
  const organizationId = newGuid();
  const domainRaw = str(lem['domainName']);
  const domainName = domainRaw ? domainRaw.toLowerCase() : `org${organizationId.replace(/-/g, '').slice(0, 8)}`;
  validateDomainName(domainName);
  if (domainNameInUse(state, domainName)) throw domainInUseError(domainName);
  const sg = lem['securityGroupId'];
  let securityGroupId: string | null = null;
  if (sg !== undefined && sg !== null && sg !== '') {
    if (typeof sg !== 'string' || !GUID_RE.test(sg) || !state.findGroup(sg)) {
      throw armError(
        400,
        'SecurityGroupNotFound',
        `The security group '${String(sg)}' could not be found in the tenant.`,
      );
    }
    securityGroupId = sg;
  }
  const rootBusinessUnitId = newGuid();
  const host = crmHost(location);
  return {
    domainName,
    uniqueName: `unq${organizationId.replace(/-/g, '').slice(0, 24)}`,
    instanceUrl: `https://${domainName}.${host}.dynamics.com/`,
    instanceApiUrl: `https://${domainName}.api.${host}.dynamics.com`,
    organizationId,
    rootBusinessUnitId,
    baseLanguage: lang,
    currency: code,
    version: '9.2.25103.00000',
    roles: STANDARD_ROLES.map((roleName) => ({
      roleid: newGuid(),
      name: roleName,
      businessunitid: rootBusinessUnitId,
    })),
    systemusers: [],
    instanceState: 'Ready',
    securityGroupId,
  };
}

export function startCreate(state: SimulatorState, pending: SimEnvironment, callerAppId: string): LifecycleOperation {
  const running = state.runningOperation();
  if (running) {
    throw armError(
      409,
      'OperationNotStartable',
      `Another lifecycle operation (${running.id}) is in progress in the tenant. Wait for it to finish and try again.`,
    );
  }
  const op: LifecycleOperation = {
    id: newGuid(),
    type: 'Create',
    environmentName: pending.name,
    pending,
    callerAppId,
    polls: 0,
    state: 'Running',
    failure: state.nextOperationFailure,
    createdTime: state.now(),
  };
  state.nextOperationFailure = null;
  state.operations.set(op.id, op);
  // As the real list: a creating environment is listed (and readable) with its provisioning state.
  // LinkedDatabaseProvisioning while a Dataverse database is made (the Terraform provider waits on it).
  pending.provisioningState = pending.dataverse ? 'LinkedDatabaseProvisioning' : 'Creating';
  if (pending.dataverse) pending.dataverse.instanceState = 'NotReady';
  state.environments.push(pending);
  return op;
}

/** One poll: advances the operation a step; it completes after `lroPollsToComplete` polls (or with time). */
export function advance(state: SimulatorState, op: LifecycleOperation): void {
  if (op.state !== 'Running') return;
  op.polls += 1;
  if (op.polls >= state.lroPollsToComplete) finish(state, op);
}

/**
 * Real creations progress whether anyone polls or not: every running operation older than `lroSecondsToComplete`
 * (on the simulator clock) finishes. Called before each request, so what any caller reads is up to date.
 * True when one finished (the tenant changed).
 */
export function settleOperations(state: SimulatorState): boolean {
  if (!(state.lroSecondsToComplete > 0)) return false;
  const now = state.clock().getTime();
  let finished = false;
  for (const op of state.operations.values()) {
    if (op.state === 'Running' && now - Date.parse(op.createdTime) >= state.lroSecondsToComplete * 1000) {
      finish(state, op);
      finished = true;
    }
  }
  return finished;
}

function finish(state: SimulatorState, op: LifecycleOperation): void {
  // By name, not object identity: a simulator restored from its saved state has separate copies.
  const env = state.environments.find((e) => sameId(e.name, op.environmentName)) ?? op.pending;
  if (op.failure) {
    op.state = 'Failed';
    state.environments = state.environments.filter((e) => !sameId(e.name, op.environmentName));
    return;
  }
  op.state = 'Succeeded';
  env.provisioningState = 'Succeeded';
  if (env.dataverse) {
    env.dataverse.instanceState = 'Ready';
    state.ensureApplicationUser(env.dataverse, op.callerAppId, env.createdBy);
  }
  if (!state.environments.includes(env)) state.environments.push(env);
}

/** How far a running operation is, 0..1: by polls, or by time when that is further. */
function progressOf(state: SimulatorState, op: LifecycleOperation): number {
  const byPolls = op.polls / Math.max(1, state.lroPollsToComplete);
  const byTime =
    state.lroSecondsToComplete > 0
      ? (state.clock().getTime() - Date.parse(op.createdTime)) / (state.lroSecondsToComplete * 1000)
      : 0;
  return Math.max(byPolls, byTime);
}

export function operationBody(state: SimulatorState, op: LifecycleOperation): Record<string, unknown> {
  const total = STAGES.length;
  const done = op.state === 'Succeeded' ? total : Math.min(total - 1, Math.floor(total * progressOf(state, op)));
  const stages = STAGES.map((id, i) => {
    let stageState = 'NotStarted';
    if (i < done) stageState = 'Succeeded';
    else if (i === done) stageState = op.state === 'Failed' ? 'Failed' : 'Running';
    return { id, name: id, state: { id: stageState } };
  });
  const body: Record<string, unknown> = {
    id: op.id,
    links: {
      self: { path: `/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/${op.id}` },
      environment: { path: `/providers/Microsoft.BusinessAppPlatform/environments/${op.environmentName}` },
    },
    type: { id: op.type },
    state: { id: op.state },
    createdDateTime: op.createdTime,
    stages,
  };
  if (op.state === 'Failed' && op.failure) body['error'] = op.failure;
  return body;
}
