// Which token audience a URL needs. Tokens are only ever requested for hosts this resolver knows,
// so an absolute URL from a response (a Location header, a nextLink) can never leak a token elsewhere.

export const POWERAPPS_SCOPE = 'https://service.powerapps.com/.default';
export const FLOW_SCOPE = 'https://service.flow.microsoft.com/.default';
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface ServiceBaseUrls {
  bap: string;
  powerapps: string;
  flow: string;
  graph: string;
}

export class UnknownApiHostError extends Error {
  constructor(readonly url: string) {
    super(`No token audience is known for ${originOf(url)}; refusing to call it`);
    this.name = 'UnknownApiHostError';
  }
}

/** https://org.crm.dynamics.com/.default — the Dataverse audience for an org. */
export function dataverseScope(realOrigin: string): string {
  return `${new URL(realOrigin).origin}/.default`;
}

/** The real org origin for a simulated or real environment: from instanceUrl, else from the domain name. */
export function dataverseOrigin(meta: { instanceUrl?: string | undefined; domainName?: string | undefined }): string {
  if (meta.instanceUrl) {
    const u = new URL(meta.instanceUrl);
    if (u.protocol === 'https:' && u.hostname.endsWith('.dynamics.com')) return u.origin;
  }
  if (meta.domainName) return `https://${meta.domainName}.crm.dynamics.com`;
  throw new Error('Dataverse metadata has neither an instanceUrl nor a domainName');
}

export class ScopeResolver {
  private readonly services: { prefix: string; scope: string }[];
  private readonly dataverse = new Map<string, string>();

  /**
   * simulatedDataverseBase: the simulated tenant's `/dataverse` prefix; an org under it
   * (`{base}/{domainName}`) gets the audience `https://{domainName}.crm.dynamics.com`.
   */
  constructor(
    bases: ServiceBaseUrls,
    private readonly simulatedDataverseBase?: string | undefined,
  ) {
    this.services = [
      { prefix: trimSlash(bases.bap), scope: POWERAPPS_SCOPE },
      { prefix: trimSlash(bases.powerapps), scope: POWERAPPS_SCOPE },
      { prefix: trimSlash(bases.flow), scope: FLOW_SCOPE },
      { prefix: trimSlash(bases.graph), scope: GRAPH_SCOPE },
    ];
  }

  /** Remembers that a Dataverse Web API base (instanceApiUrl) belongs to the org at realOrigin. */
  registerDataverse(instanceApiUrl: string, realOrigin: string): void {
    this.dataverse.set(trimSlash(instanceApiUrl).toLowerCase(), dataverseScope(realOrigin));
  }

  /** Whether a token audience is known for url (so calling it needs no lookup first). */
  knows(url: string): boolean {
    try {
      this.scopeFor(url);
      return true;
    } catch {
      return false;
    }
  }

  scopeFor(url: string): string {
    const lower = url.toLowerCase();
    for (const [base, scope] of this.dataverse) if (isUnder(lower, base)) return scope;
    for (const { prefix, scope } of this.services) if (isUnder(lower, prefix.toLowerCase())) return scope;
    if (this.simulatedDataverseBase) {
      const base = trimSlash(this.simulatedDataverseBase).toLowerCase();
      const domain = lower.startsWith(`${base}/`)
        ? /^([a-z0-9-]+)(?:[/?]|$)/.exec(lower.slice(base.length + 1))?.[1]
        : undefined;
      if (domain) return `https://${domain}.crm.dynamics.com/.default`;
    }

    const u = new URL(url);
    if (u.protocol === 'https:') {
      const host = u.hostname.toLowerCase();
      // Regional BAP hosts (europe.api.bap.microsoft.com) answer lifecycle operations.
      if (host === 'api.bap.microsoft.com' || host.endsWith('.api.bap.microsoft.com')) return POWERAPPS_SCOPE;
      if (host === 'api.powerapps.com' || host.endsWith('.api.powerapps.com')) return POWERAPPS_SCOPE;
      if (host === 'api.flow.microsoft.com' || host.endsWith('.api.flow.microsoft.com')) return FLOW_SCOPE;
      if (host === 'graph.microsoft.com') return GRAPH_SCOPE;
      // org.api.crm4.dynamics.com → https://org.crm4.dynamics.com/.default
      const dv = /^([a-z0-9-]+)\.(?:api\.)?(crm\d*\.dynamics\.com)$/.exec(host);
      if (dv) return `https://${dv[1]}.${dv[2]}/.default`;
    }
    throw new UnknownApiHostError(url);
  }
}

function isUnder(url: string, base: string): boolean {
  return url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`);
}

function trimSlash(s: string): string {
  return s.replace(/\/+$/, '');
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
