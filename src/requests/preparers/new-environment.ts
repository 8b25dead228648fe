// New environment: every field checked against the tenant before an approver is asked (name clash, type,
// location and region, Dataverse domain via validate-details, currency and language), with a domain name
// suggested from the display name when none was given.
import type { Location } from '../../tenant/tenant-admin.js';
import type { NewEnvironmentDetails } from '../model.js';
import type { NewEnvironmentInput, Preparation } from '../preparation.js';
import { type Lookup, unlicensedDataverseNote } from './lookup.js';
import { proposeRegionDefaults } from './region-defaults.js';

const SKUS: NewEnvironmentDetails['sku'][] = ['Production', 'Sandbox', 'Trial', 'Developer'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const invalid = (field: string, message: string): Preparation => ({ kind: 'invalid', field, message });

/** "Contoso Dev 2" → "contosodev2": lower-case letters and digits, starting with a letter, at most 63. */
export function suggestDomainName(displayName: string): string {
  const base = displayName
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/^[0-9]+/, '');
  return (base || 'env').slice(0, 60);
}

function findLocation(locations: Location[], wanted: string): Location | undefined {
  const w = wanted.trim().toLowerCase();
  return locations.find((l) => l.name.toLowerCase() === w || l.displayName.toLowerCase() === w);
}

export async function prepareNewEnvironment(lookup: Lookup, input: NewEnvironmentInput): Promise<Preparation> {
  const tenant = lookup.tenant;
  const displayName = input.displayName.trim();
  if (!displayName) return invalid('displayName', 'The new environment needs a name.');
  if (displayName.length > 100) return invalid('displayName', 'Environment names can be at most 100 characters long.');
  const clash = (await tenant.listEnvironments()).find(
    (e) => e.displayName.toLowerCase() === displayName.toLowerCase(),
  );
  if (clash) {
    return invalid(
      'displayName',
      `An environment called ${clash.displayName} already exists (${clash.sku}). Please choose another name.`,
    );
  }
  const sku = SKUS.find((s) => s.toLowerCase() === String(input.sku).toLowerCase());
  if (!sku) return invalid('sku', `The type must be one of ${SKUS.join(', ')}.`);

  const locations = await lookup.locations();
  const location = findLocation(locations, input.location);
  if (!location) {
    return invalid(
      'location',
      `${input.location} is not a region I can create environments in. Choose one of: ${locations.map((l) => l.displayName).join(', ')}.`,
    );
  }
  let azureRegion: string | undefined;
  if (input.azureRegion) {
    azureRegion = location.azureRegions.find((r) => r.toLowerCase() === input.azureRegion?.trim().toLowerCase());
    if (!azureRegion) {
      return invalid(
        'azureRegion',
        `${input.azureRegion} is not in ${location.displayName}. Choose one of: ${location.azureRegions.join(', ')}.`,
      );
    }
  }

  const notes: string[] = [];
  let dataverse: NewEnvironmentDetails['dataverse'];
  if (input.dataverse) {
    const dv = input.dataverse;
    const currencies = await tenant.listCurrencies(location.name);
    const languages = await tenant.listLanguages(location.name);
    // Not given: the region's currency and the maker's (or the region's) language, not always USD and US English.
    const proposed = proposeRegionDefaults(
      location.name,
      { currencies, lcids: languages.map((l) => l.lcid) },
      input.locale,
    );
    const currency = dv.currency
      ? currencies.find((c) => c.toLowerCase() === dv.currency?.trim().toLowerCase())
      : proposed.currency;
    if (!currency)
      return invalid(
        'currency',
        `${dv.currency ?? 'That currency'} is not available in ${location.displayName}. Choose one of: ${currencies.join(', ')}.`,
      );
    const languageLcid = dv.languageLcid ?? proposed.languageLcid;
    if (languageLcid === undefined || !languages.some((l) => l.lcid === languageLcid)) {
      return invalid(
        'language',
        `Language ${dv.languageLcid ?? ''} is not available in ${location.displayName}. Choose one of: ${languages.map((l) => `${l.name} (${l.lcid})`).join(', ')}.`,
      );
    }
    if (dv.securityGroupId && !GUID.test(dv.securityGroupId)) {
      return invalid('securityGroupId', 'The security group must be given by its Entra object id (a GUID).');
    }
    const domain = await chooseDomain(lookup, dv.domainName, displayName, location.name);
    if (domain.kind === 'invalid') return domain.preparation;
    if (domain.suggested)
      notes.push(`I suggested the Dataverse domain name ${domain.name} (from the environment's name).`);
    dataverse = { domainName: domain.name, currency, languageLcid, securityGroupId: dv.securityGroupId };
    const chosen = [
      ...(dv.currency ? [] : [currency]),
      ...(dv.languageLcid ? [] : [languages.find((l) => l.lcid === languageLcid)?.name ?? `language ${languageLcid}`]),
    ];
    if (chosen.length > 0)
      notes.push(
        `Dataverse gets ${chosen.join(' and ')}, proposed for ${location.displayName}; to use others, cancel and ask again naming them (for example "in GBP, in French").`,
      );

    const user = await tenant.getUser(input.requesterId);
    if (user && !user.hasPowerAppsLicense) notes.push(unlicensedDataverseNote(user.displayName, displayName));
  }

  return {
    kind: 'ready',
    details: {
      type: 'new-environment',
      displayName,
      sku,
      location: location.name,
      azureRegion,
      dataverse,
      description: input.description?.trim() || undefined,
    },
    notes,
  };
}

type DomainChoice = { kind: 'ok'; name: string; suggested: boolean } | { kind: 'invalid'; preparation: Preparation };

/** The requested domain if the service accepts it; else a suggestion from the display name (numbered when taken). */
async function chooseDomain(
  lookup: Lookup,
  requested: string | undefined,
  displayName: string,
  location: string,
): Promise<DomainChoice> {
  const tenant = lookup.tenant;
  if (requested?.trim()) {
    const name = requested.trim().toLowerCase();
    const problem = await tenant.validateEnvironmentDetails(name, location);
    if (!problem) return { kind: 'ok', name, suggested: false };
    const alternative = await firstFreeDomain(lookup, suggestDomainName(displayName), location);
    const hint = alternative && alternative !== name ? ` You could use ${alternative}.` : '';
    const message =
      problem.code === 'DomainNameAlreadyInUse'
        ? `The Dataverse domain name ${name} is already in use.${hint}`
        : `The Dataverse domain name ${name} is not valid: ${problem.message}${hint}`;
    return { kind: 'invalid', preparation: invalid('domainName', message) };
  }
  const name = await firstFreeDomain(lookup, suggestDomainName(displayName), location);
  if (!name) {
    return {
      kind: 'invalid',
      preparation: invalid('domainName', 'I could not find a free Dataverse domain name; please suggest one.'),
    };
  }
  return { kind: 'ok', name, suggested: true };
}

async function firstFreeDomain(lookup: Lookup, base: string, location: string): Promise<string | undefined> {
  for (const candidate of [base, ...[2, 3, 4, 5].map((n) => `${base}${n}`)]) {
    if (!(await lookup.tenant.validateEnvironmentDetails(candidate, location))) return candidate;
  }
  return undefined;
}
