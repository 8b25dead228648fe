// Environment Maker role: answered at once in the default environment or when the role is already held.
import type { Preparation } from '../preparation.js';
import { environmentRef, type Lookup, othersDeveloperEnvironment, unlicensedDataverseNote } from './lookup.js';

export async function prepareMakerRole(
  lookup: Lookup,
  input: { requesterId: string; environmentId: string },
): Promise<Preparation> {
  const env = await lookup.environment(input.environmentId);
  if (!env)
    return {
      kind: 'invalid',
      field: 'environment',
      message: `I can't find an environment with id ${input.environmentId}.`,
    };
  if (env.isDefault) {
    return {
      kind: 'answer',
      message: `Every licensed user is already an Environment Maker in the default environment (${env.displayName}), so there is nothing to approve.`,
    };
  }
  // The owner is not named, as intake never offers someone else's Developer environment either.
  if (othersDeveloperEnvironment(env, input.requesterId)) {
    return {
      kind: 'answer',
      message:
        `${env.displayName} is a Developer environment: it is for its owner's individual use, so other makers are not added to it. ` +
        'To build together, ask for the maker role in a shared sandbox, or for a new sandbox environment.',
    };
  }
  const user = await lookup.tenant.getUser(input.requesterId);
  if (!user) {
    return {
      kind: 'invalid',
      field: 'requester',
      message: "I couldn't find your account in the organisation's directory, so I can't file this request.",
    };
  }
  if (await lookup.tenant.hasEnvironmentRole(env, user.id, 'EnvironmentMaker')) {
    return {
      kind: 'answer',
      message: `You already hold the Environment Maker role in ${env.displayName}, so there is nothing to approve.`,
    };
  }
  const notes: string[] = [];
  if (!user.hasPowerAppsLicense) {
    notes.push(
      env.hasDataverse
        ? unlicensedDataverseNote(user.displayName, env.displayName)
        : `${user.displayName} has no Power Apps licence, so they cannot build apps in ${env.displayName} until one is assigned.`,
    );
  }
  return { kind: 'ready', details: { type: 'maker-role', environment: environmentRef(env) }, notes, requester: user };
}
