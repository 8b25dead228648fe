// Governance events: what changed between two snapshots (pure). Each event knows its kind (for the config
// filter) and the environments it concerns (for the environment filter).

export const EVENT_KINDS = ['environments', 'dlp', 'connectors', 'roles', 'activity'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export type GovernanceEvent =
  | { type: 'environment.created'; environmentId: string; name: string; sku: string }
  | { type: 'environment.deleted'; environmentId: string; name: string; sku: string }
  | { type: 'environment.type-changed'; environmentId: string; name: string; from: string; to: string }
  | { type: 'dlp.created'; policy: string; name: string; environmentType: string; environments: string[] }
  | { type: 'dlp.deleted'; policy: string; name: string; environmentType: string; environments: string[] }
  | {
      type: 'dlp.changed';
      policy: string;
      name: string;
      environmentType: string;
      environments: string[];
      moved: { connectorId: string; connector: string; from: string; to: string }[];
      environmentsAdded: string[];
      environmentsRemoved: string[];
      scope?: { from: string; to: string } | undefined;
      defaultGroup?: { from: string; to: string } | undefined;
    }
  | { type: 'connector.added'; connectorId: string; name: string; tier: string; publisher?: string | undefined }
  | {
      type: 'role.added' | 'role.removed';
      environmentId: string;
      environment: string;
      role: string;
      principalId: string;
      principalType: string;
      principal: string;
      /** Set for a Dataverse security role (environments with Dataverse); absent for a BAP role assignment. */
      via?: 'dataverse' | undefined;
    }
  | {
      type: 'activity';
      recordType: number;
      operation: string;
      actor: string;
      at: string;
      summary: string;
      environmentId?: string | undefined;
    };

export function kindOf(event: GovernanceEvent): EventKind {
  if (event.type.startsWith('environment.')) return 'environments';
  if (event.type.startsWith('dlp.')) return 'dlp';
  if (event.type.startsWith('connector.')) return 'connectors';
  if (event.type.startsWith('role.')) return 'roles';
  return 'activity';
}

/** Environment ids an event concerns; undefined = tenant-wide (kept by any environment filter). */
export function environmentsOf(event: GovernanceEvent): string[] | undefined {
  switch (event.type) {
    case 'environment.created':
    case 'environment.deleted':
    case 'environment.type-changed':
    case 'role.added':
    case 'role.removed':
      return [event.environmentId];
    case 'dlp.created':
    case 'dlp.deleted':
    case 'dlp.changed':
      // AllEnvironments / ExceptEnvironments policies reach (almost) every environment.
      return event.environmentType === 'OnlyEnvironments' || event.environmentType === 'SingleEnvironment'
        ? event.type === 'dlp.changed'
          ? [...event.environments, ...event.environmentsRemoved]
          : event.environments
        : undefined;
    case 'activity':
      return event.environmentId ? [event.environmentId] : undefined;
    case 'connector.added':
      return undefined;
  }
}

export interface EventFilter {
  kinds: readonly EventKind[];
  /** Environment ids (lower-case) or display names; empty = every environment. */
  environments: readonly string[];
}

export function keepEvent(event: GovernanceEvent, filter: EventFilter, nameOf: (id: string) => string | undefined) {
  if (!filter.kinds.includes(kindOf(event))) return false;
  if (filter.environments.length === 0) return true;
  const envs = environmentsOf(event);
  if (envs === undefined) return true;
  return envs.some((id) => watchesEnvironment(filter, id, nameOf(id)));
}

/** Whether the environment filter lets an environment through (by id or display name, case-insensitive). */
export function watchesEnvironment(filter: EventFilter, id: string, displayName: string | undefined): boolean {
  if (filter.environments.length === 0) return true;
  const wanted = new Set(filter.environments.map((e) => e.toLowerCase()));
  return wanted.has(id.toLowerCase()) || wanted.has((displayName ?? '').toLowerCase());
}
