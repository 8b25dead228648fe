import {
  issueTestToken,
  type RunningSimulator,
  type SimulatorOptions,
  startSimulator,
} from '../../../src/tenant/simulator/server.js';

export const POWERAPPS_AUD = 'https://service.powerapps.com';
export const BAP_AUD = 'https://api.bap.microsoft.com';
export const FLOW_AUD = 'https://service.flow.microsoft.com';
export const GRAPH_AUD = 'https://graph.microsoft.com';

export const BAP = '/bap/providers/Microsoft.BusinessAppPlatform';
export const DLP = '/bap/providers/PowerPlatform.Governance';

/** Fixture ids used across the tests. */
export const IDS = {
  tenant: '5ee02f6f-a6ba-5275-b785-41bc607c001c',
  defaultEnv: 'Default-5ee02f6f-a6ba-5275-b785-41bc607c001c',
  contosoDev: '7c4ff43f-9f0d-5892-9f4a-69dd7e3fbcb6',
  contosoTest: 'd9f45590-b8cf-5fa5-8c9b-3e274c95c4ad',
  financeProd: '6f553ca4-d0b2-5977-8aac-e7825409a59e',
  hrProd: 'aa18e62c-5f16-5f07-b5bb-2177ccda47e3',
  itTools: '9ffb3411-2f19-514e-9725-e89e27060158',
  megan: 'd17b9743-c9fd-59a8-adc7-4023de8a4719',
  johanna: '24126d3b-3c9c-51f9-bb95-3135907ba515',
  adele: '260c90d6-34d9-5c1d-9e59-79b58950a8cb',
  ppAdmins: 'ed47e9ca-3c8d-5ba5-959b-7689aba891a8',
  allEmployees: '8477a191-f420-5af1-a583-3cfdf7a17bdf',
  tenantBaseline: 'eb375b69-c7f9-5e8d-af20-9079b9807eec',
};

export interface Call {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field
  body: any;
}

export class Client {
  constructor(
    readonly sim: RunningSimulator,
    readonly audience: string,
  ) {}

  token(): string {
    return issueTestToken(this.audience);
  }

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Call> {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${this.token()}`, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.sim.url}${path}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep text */
    }
    return { status: res.status, headers: res.headers, body: parsed };
  }

  get(path: string, headers?: Record<string, string>): Promise<Call> {
    return this.call('GET', path, undefined, headers);
  }

  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Call> {
    return this.call('POST', path, body ?? {}, headers);
  }
}

export async function start(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ retryAfterSeconds: 0, ...opts });
}

/** A fetch with no Authorization header. */
export async function anonymous(sim: RunningSimulator, path: string, init: RequestInit = {}): Promise<Call> {
  const res = await fetch(`${sim.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
