// What the Teams handlers need, wired once in the composition root.
import type pino from 'pino';
import type { Config } from '../config/config.js';
import type { Catalogue } from '../intake/catalogue.js';
import type { GovernanceService } from '../requests/governance-service.js';
import type { Store } from '../storage/store.js';
import type { TenantAdmin } from '../tenant/tenant-admin.js';

export interface BotContext {
  config: Config;
  store: Store;
  tenant: TenantAdmin;
  service: GovernanceService;
  catalogue: Catalogue;
  log: pino.Logger;
  clock: () => Date;
  /** Wake the outbox and job workers after a change, so replies do not wait for the next poll. */
  kick: () => void;
}
