// Power Apps (api.powerapps.com): connector catalogue and the admin app inventory.
import type { HttpClient } from './http-client.js';
import type { PowerAppsApiWire, PowerAppWire } from './wire-types.js';

const POWERAPPS = '/providers/Microsoft.PowerApps';

export class PowerAppsClient {
  private readonly base: string;

  constructor(
    private readonly http: HttpClient,
    baseUrl: string,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  /** The tenant's connector catalogue as DLP sees it (environment '~Default' unless given). */
  listConnectors(environment = '~Default'): Promise<PowerAppsApiWire[]> {
    return this.http.list<PowerAppsApiWire>(`${this.base}${POWERAPPS}/apis`, {
      query: {
        'api-version': '2019-05-01',
        showApisWithToS: 'true',
        hideDlpExemptApis: 'true',
        showAllDlpEnforceableApis: 'true',
        $filter: `environment eq '${environment}'`,
      },
    });
  }

  listApps(envId: string): Promise<PowerAppWire[]> {
    return this.http.list<PowerAppWire>(
      `${this.base}${POWERAPPS}/scopes/admin/environments/${encodeURIComponent(envId)}/apps`,
      {
        query: { 'api-version': '2016-11-01', $top: 250 },
      },
    );
  }
}
