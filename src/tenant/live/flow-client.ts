// Power Automate (api.flow.microsoft.com): the admin flow inventory.
import type { HttpClient } from './http-client.js';
import type { FlowListItemWire, FlowWire } from './wire-types.js';

const FLOW = '/providers/Microsoft.ProcessSimple';

export class FlowClient {
  private readonly base: string;

  constructor(
    private readonly http: HttpClient,
    baseUrl: string,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  private adminEnv(envId: string): string {
    return `${this.base}${FLOW}/scopes/admin/environments/${encodeURIComponent(envId)}`;
  }

  /**
   * The v2 list: names, display names and states only — no connection references. Flows that live in Dataverse
   * solutions are listed only with include=includeSolutionCloudFlows (pnp CLI `flow list --withSolutions`).
   */
  listFlows(envId: string): Promise<FlowListItemWire[]> {
    return this.http.list<FlowListItemWire>(`${this.adminEnv(envId)}/v2/flows`, {
      query: { 'api-version': '2016-11-01', include: 'includeSolutionCloudFlows' },
    });
  }

  getFlow(envId: string, flowName: string): Promise<FlowWire | undefined> {
    return this.http.getOptional<FlowWire>(`${this.adminEnv(envId)}/flows/${encodeURIComponent(flowName)}`, {
      query: { 'api-version': '2016-11-01' },
    });
  }
}
