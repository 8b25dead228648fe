// The connector-unblock card's sections, in words an approver can check: what happens to each blocking policy
// (a narrow exception takes the environment out of the policy and covers it with a new one; it does not change
// the policy for anyone else), how far a tenant-wide change would reach and why that is fewer environments than
// the policy covers, and which apps and flows the change touches as opposed to those elsewhere.
import { exceptionPolicyName } from '../../dlp/changes.js';
import type { ConnectorUnblockDetails, DlpImpact } from '../../requests/model.js';
import { plain } from './template.js';

type Section = { heading: string; body: string };

const GROUP = { Confidential: 'Business', General: 'Non-business' } as const;

/** Bullets for several entries, a plain paragraph for one. */
function lines(items: string[], n = 5): string {
  if (items.length === 0) return 'None';
  if (items.length === 1) return items[0] ?? '';
  const shown = items.slice(0, n).map((i) => `- ${i}`);
  if (items.length > n) shown.push(`- and ${items.length - n} more`);
  return shown.join('\n');
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** "Finance Production, HR Production and Operations Production" (at most four named). */
function names(list: string[]): string {
  const shown = list.slice(0, 4).map(plain);
  if (list.length > 4) shown.push(`${list.length - 4} more`);
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}` : (shown[0] ?? '');
}

function policyChange(d: ConnectorUnblockDetails, p: DlpImpact['policies'][number]): string {
  const connector = plain(d.connector.displayName);
  const env = plain(d.environment.displayName);
  const group = GROUP[d.classification];
  const policy = `“${plain(p.displayName)}”`;
  const reach =
    p.environmentType === 'AllEnvironments'
      ? `all ${count(p.coveredEnvironments, 'environment')}`
      : count(p.coveredEnvironments, 'environment');
  if (d.scope === 'exception' && p.exceptionPossible) {
    const others = p.coveredEnvironments - 1;
    return `${env} leaves ${policy}; a new policy “${plain(exceptionPolicyName(p, d.environment))}”, a copy of it, allows ${connector} there (${group}).${others > 0 ? ` The other ${count(others, 'environment')} keep ${connector} blocked.` : ''}`;
  }
  if (d.scope === 'exception')
    return `${policy} covers only ${env}: ${connector} moves there from Blocked to ${group}.`;
  return `${policy} (${reach}): ${connector} moves from Blocked to ${group} in the policy.`;
}

function blastRadius(d: ConnectorUnblockDetails, impact: DlpImpact): string {
  const connector = plain(d.connector.displayName);
  const reach = impact.tenantWideEnvironments;
  const kept = impact.keptBlocked;
  const covered = reach + (kept?.environments.length ?? 0);
  const single =
    impact.policies.length === 1 ? `“${plain(impact.policies[0]?.displayName ?? '')}”` : 'The blocking policies';
  const why =
    kept && kept.environments.length > 0
      ? ` ${single} ${impact.policies.length === 1 ? 'covers' : 'cover'} ${covered}; in ${kept.environments.length} of them (${names(kept.environments)}) ${kept.policies.length > 0 ? names(kept.policies.map((p) => `“${p}”`)) : 'another policy'} blocks ${connector} too, so it stays blocked there.`
      : '';
  return d.scope === 'exception'
    ? `Narrow: only ${plain(d.environment.displayName)} gains ${connector}. A tenant-wide change would unblock it in ${count(reach, 'environment')}.${why}`
    : `Tenant-wide: ${count(reach, 'environment')} gain ${connector}.${why}`;
}

/** The change is still to come, was made, was made and has since ended, or will not be made (the heading). */
export type ChangeTense = 'pending' | 'made' | 'ended' | 'not-made';

const CHANGE_HEADING: Record<ChangeTense, string> = {
  pending: 'What will change',
  'not-made': 'What was asked (not changed)',
  made: 'What changed',
  ended: 'What changed (now ended)',
};

/** `forDecision`: the approver's reading (also the apps elsewhere and the blast radius); the requester reads what
 * happens and which apps it touches. */
export function connectorChangeSections(
  d: ConnectorUnblockDetails,
  forDecision = true,
  tense: ChangeTense = 'pending',
): Section[] {
  const impact = d.impact;
  if (!impact) return [];
  const env = d.environment;
  const inRequested = (r: DlpImpact['resources'][number]) =>
    r.environmentId !== undefined
      ? r.environmentId.toLowerCase() === env.id.toLowerCase()
      : r.environment === env.displayName;
  // A narrow exception changes only the requested environment; a tenant-wide change every one it reaches (the
  // inventory is read only there).
  const affected = d.scope === 'exception' ? impact.resources.filter(inRequested) : impact.resources;
  const elsewhere = d.scope === 'exception' ? impact.resources.filter((r) => !inRequested(r)) : [];
  const item = (r: DlpImpact['resources'][number]) =>
    `${r.kind === 'app' ? 'App' : 'Flow'}: ${plain(r.displayName)} in ${plain(r.environment)}${r.state === 'Suspended' ? ' (suspended by DLP)' : ''}`;
  const unlisted = impact.flowsNotListed ?? [];
  const connector = plain(d.connector.displayName);
  const sections: Section[] = [
    { heading: CHANGE_HEADING[tense], body: lines(impact.policies.map((p) => policyChange(d, p))) },
    {
      heading: `Apps and flows using ${connector}: affected by this change`,
      body:
        (affected.length > 0
          ? lines(affected.map(item), 8)
          : `None${d.scope === 'exception' ? ` in ${plain(env.displayName)}` : ''}.`) +
        (unlisted.length > 0
          ? `\n\nFlows could not be listed in ${unlisted.map(plain).join(', ')}, so flows are missing here.`
          : ''),
    },
  ];
  if (!forDecision) return sections;
  if (elsewhere.length > 0)
    sections.push({
      heading: 'Elsewhere (not affected)',
      body: lines(elsewhere.map(item)),
    });
  sections.push({ heading: 'Blast radius', body: blastRadius(d, impact) });
  return sections;
}
