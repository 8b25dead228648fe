// What the Teams handlers need, wired once in the composition root.
import type pino from 'pino';
import type { Config } from '../config/config.js';
import type { Catalogue } from '../intake/catalogue.js';
import type { RoutingPolicy } from '../policy/routing.js';
import type { GovernanceService } from '../requests/governance-service.js';
import type { LifecycleService } from '../requests/lifecycle-service.js';
import type { GovernanceRequest } from '../requests/model.js';
import type { Store } from '../requests/ports/store.js';
import type { RequestPreparer } from '../requests/preparation.js';
import type { ReleaseService } from '../requests/release-service.js';
import type { TenantAdmin } from '../tenant/tenant-admin.js';
import type { LanguageModelIntake } from './language-model-intake.js';
import type { TeamsUserIds } from './teams-user-ids.js';

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
  /** Questions, extensions and the other lifecycle use cases (card verbs needInfo, answerInfo, extend). */
  lifecycle?: LifecycleService | undefined;
  /** Giving up one's own access: offers, confirmations and the releases they file. */
  releases?: ReleaseService | undefined;
  /** For the "why?" button: which rule matched and why. */
  policy?: RoutingPolicy | undefined;
  /** Teams user ids (MRIs) learnt from activities, for the per-reader views' refresh.userIds. */
  teamsUsers?: TeamsUserIds | undefined;
  /** Cached approver ids per group, for per-reader views. */
  stageApprovers?: ((request: GovernanceRequest) => string[]) | undefined;
  /** Checks resolved names against the tenant and builds the details to file (or an immediate answer). */
  preparer?: RequestPreparer | undefined;
  /** Optional: a language model reads intent and names (resolved like typed names); absent = the parser alone. */
  languageModel?: LanguageModelIntake | undefined;
}
