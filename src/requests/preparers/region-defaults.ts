// What a new Dataverse database in a region would most likely use: the region's currency, and the maker's own
// language (their Teams locale) before the region's. Only proposals: each is used only when the tenant offers it
// for the location, and the maker is told which were chosen so they can ask for others.

/** BAP location → ISO currency and the LCID of the region's main language. */
const REGION: Readonly<Record<string, { currency: string; lcid?: number }>> = {
  unitedstates: { currency: 'USD', lcid: 1033 },
  europe: { currency: 'EUR' },
  unitedkingdom: { currency: 'GBP', lcid: 2057 },
  france: { currency: 'EUR', lcid: 1036 },
  germany: { currency: 'EUR', lcid: 1031 },
  switzerland: { currency: 'CHF', lcid: 1031 },
  norway: { currency: 'NOK', lcid: 1044 },
  canada: { currency: 'CAD', lcid: 1033 },
  australia: { currency: 'AUD', lcid: 3081 },
  india: { currency: 'INR', lcid: 1033 },
  japan: { currency: 'JPY', lcid: 1041 },
  korea: { currency: 'KRW', lcid: 1042 },
  southamerica: { currency: 'BRL', lcid: 1046 },
  southafrica: { currency: 'ZAR', lcid: 1033 },
  uae: { currency: 'AED', lcid: 1033 },
  asia: { currency: 'USD', lcid: 1033 },
};

/** BCP 47 locales as Teams sends them (activity.locale) → Dataverse LCIDs; the language alone as a fallback. */
const LOCALE_LCID: Readonly<Record<string, number>> = {
  'en-us': 1033,
  'en-gb': 2057,
  'en-au': 3081,
  de: 1031,
  fr: 1036,
  es: 3082,
  it: 1040,
  nl: 1043,
  'pt-br': 1046,
  pt: 2070,
  ja: 1041,
  ko: 1042,
  sv: 1053,
  nb: 1044,
  da: 1030,
  fi: 1035,
  pl: 1045,
};

function localeLcid(locale: string | undefined): number | undefined {
  if (!locale) return undefined;
  const l = locale.toLowerCase();
  return LOCALE_LCID[l] ?? LOCALE_LCID[l.split('-')[0] ?? ''];
}

const ENGLISH = 1033;

/**
 * The currency and language to propose for a Dataverse database in `location`, among those offered there:
 * the region's currency (else the first offered); the maker's language, else the region's, else English, else the
 * first offered. English variants the tenant does not offer as a base language fall back to English.
 */
export function proposeRegionDefaults(
  location: string,
  offered: { currencies: string[]; lcids: number[] },
  locale?: string | undefined,
): { currency: string | undefined; languageLcid: number | undefined } {
  const region = REGION[location.toLowerCase()];
  const currency =
    offered.currencies.find((c) => c.toUpperCase() === region?.currency) ?? offered.currencies[0] ?? undefined;
  const candidates = [localeLcid(locale), region?.lcid, ENGLISH];
  const languageLcid = candidates.find((c) => c !== undefined && offered.lcids.includes(c)) ?? offered.lcids[0];
  return { currency, languageLcid };
}
