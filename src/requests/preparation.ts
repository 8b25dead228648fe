// Turning resolved names into a request, or into an immediate answer when nothing needs approving.
// Intake (src/intake) resolves what the user typed; a RequestPreparer checks it against the tenant and
// either returns the RequestDetails to file or a plain-words answer. Implementations live in src/requests/preparers.
import type { DirectoryUser } from '../tenant/tenant-admin.js';
import type { RequestDetails } from './model.js';

export type Preparation =
  /** File this request (the service stores it and routes it for approval). */
  | {
      kind: 'ready';
      details: RequestDetails;
      notes?: string[] | undefined;
      /**
       * The requester's directory entry as this preparation read it, having found that they do not hold what is asked
       * already: filed in the same turn, the request needs neither asked of the tenant again (FileInput.prepared).
       */
      requester?: DirectoryUser | undefined;
    }
  /** Nothing to approve: answer the user at once (e.g. "Dropbox is already allowed in IT Tools, as Non-business"). */
  | { kind: 'answer'; message: string }
  /** The input cannot be filed as is; say why and which field to change (e.g. a name clash). */
  | { kind: 'invalid'; message: string; field?: string | undefined };

export interface NewEnvironmentInput {
  requesterId: string;
  displayName: string;
  sku: 'Production' | 'Sandbox' | 'Trial' | 'Developer';
  /** BAP location name (unitedstates, europe, …). */
  location: string;
  azureRegion?: string | undefined;
  dataverse?:
    | {
        domainName?: string | undefined;
        currency?: string | undefined;
        languageLcid?: number | undefined;
        securityGroupId?: string | undefined;
      }
    | undefined;
  description?: string | undefined;
  /** The maker's locale (Teams activity.locale, e.g. de-DE): the language proposed for Dataverse. */
  locale?: string | undefined;
}

export interface RequestPreparer {
  makerRole(input: { requesterId: string; environmentId: string }): Promise<Preparation>;
  connectorUnblock(input: {
    requesterId: string;
    environmentId: string;
    /** shared_xxx or /providers/Microsoft.PowerApps/apis/shared_xxx */
    connectorId: string;
  }): Promise<Preparation>;
  newEnvironment(input: NewEnvironmentInput): Promise<Preparation>;
}
