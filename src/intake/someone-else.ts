// "please give Alex Wilber the maker role …", "unblock Dropbox for my team", "add him as maker": a request for
// someone other than the sender. The bot files requests for the sender only, so filing this one would grant the
// wrong person; it files nothing and says the person who needs the access has to ask. Read word by word (no regex
// over the sentence): a person is the one to get it only in a giving position ("give X the", "add X as", "the
// maker role for X", "on behalf of X", "X needs the"). A named person must be in the directory, written as a name (capitalised, or the
// full display name), and not the sender; a first name alone must not be a common word ("Will", "May", "Mark") or
// a word of a catalogue name ("Dev"): those need the full name.
import type { CatalogueSnapshot, DirectoryPerson } from './catalogue.js';
import { COMMON_WORDS } from './common-words.js';
import { STOPWORDS } from './text.js';

/** Someone else gets the access; `name` is the directory's display name when one person was named. */
export interface SomeoneElse {
  name?: string | undefined;
}

interface Word {
  /** lower case, accents and quotes removed, possessive 's dropped */
  norm: string;
  capitalised: boolean;
  possessive: boolean;
  /** punctuation after the word ends the phrase: "for Alex, he builds apps" */
  endsPhrase: boolean;
}

/** Giving verbs and what must follow the person for it to be the one getting access ("get Megan to approve" is not). */
const OBJECT_START = new Set([
  'the',
  'a',
  'an',
  'some',
  'access',
  'maker',
  'role',
  'rights',
  'permission',
  'permissions',
  'env',
  'environment',
  'exception',
  'connector',
]);
const GIVING: Record<string, ReadonlySet<string>> = {
  give: OBJECT_START,
  grant: OBJECT_START,
  get: OBJECT_START,
  assign: OBJECT_START,
  provide: OBJECT_START,
  add: new Set([...OBJECT_START, 'as', 'to', 'into']),
  make: new Set(['a', 'an', 'the', 'maker', 'env', 'environment']),
  let: new Set(['use', 'build', 'access', 'have', 'make', 'create']),
};
/** After "for X": X is the one who gets it when the phrase ends there ("… for Alex", "for my team in Contoso Dev"). */
const PHRASE_END = new Set([
  'in',
  'on',
  'at',
  'as',
  'so',
  'because',
  'since',
  'please',
  'pls',
  'too',
  'and',
  'who',
  'asap',
  'now',
  'today',
  'thanks',
  'thank',
  'to',
  'he',
  'she',
  'they',
]);
/** What "for X" follows when X gets the access ("the maker role for Alex", not "I will build it for Patti"). */
const ASKED_THINGS = new Set([
  'maker',
  'makers',
  'role',
  'roles',
  'access',
  'rights',
  'permission',
  'permissions',
  'exception',
  'unblock',
  'unblocked',
  'request',
  'please',
  'pls',
  'too',
  'also',
]);
/** "Alex needs the maker role", "my colleague wants access". */
const NEEDING = new Set(['needs', 'wants', 'requires']);
/** Said of someone else without a name. */
const PRONOUNS = new Set(['him', 'her', 'them', 'someone', 'somebody']);
const OTHERS = new Set([
  'colleague',
  'colleagues',
  'coworker',
  'coworkers',
  'manager',
  'boss',
  'team',
  'teammate',
  'teammates',
  'intern',
  'interns',
  'hire',
  'starter',
]);
const OTHERS_OWNER = new Set(['my', 'our', 'a', 'new', 'direct']);

function words(text: string): Word[] {
  const out: Word[] = [];
  for (const piece of text.split(' ')) {
    const bare = piece.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    let start = 0;
    let end = bare.length;
    while (start < end && !isLetterOrDigit(bare.charCodeAt(start))) start++;
    while (end > start && !isLetterOrDigit(bare.charCodeAt(end - 1))) end--;
    if (start === end) {
      if (out.length > 0) (out[out.length - 1] as Word).endsPhrase = true;
      continue;
    }
    let core = bare.slice(start, end);
    const possessive = /['’`]s$/i.test(core);
    if (possessive) core = core.slice(0, -2);
    core = core.replace(/['’`]/g, '');
    out.push({
      norm: core.toLowerCase(),
      capitalised: /^[A-Z]/.test(core),
      possessive,
      endsPhrase: end < bare.length && /[,.;:!?)]/.test(bare.slice(end)),
    });
  }
  return out;
}

function isLetterOrDigit(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

interface PeopleIndex {
  full: Map<string, DirectoryPerson[]>;
  first: Map<string, DirectoryPerson[]>;
  catalogueWords: Set<string>;
}
const indexes = new WeakMap<CatalogueSnapshot, PeopleIndex>();
/** By the directory's list of names, which the catalogue keeps across its refreshes (re-read every 15 minutes). */
const nameIndexes = new WeakMap<DirectoryPerson[], Pick<PeopleIndex, 'full' | 'first'>>();

function peopleIndex(snapshot: CatalogueSnapshot): PeopleIndex {
  let index = indexes.get(snapshot);
  if (index) return index;
  const catalogueWords = new Set<string>();
  for (const e of [...snapshot.environments, ...snapshot.connectors])
    for (const w of nameWords(e.displayName)) catalogueWords.add(w);
  index = { ...namesIndex(snapshot.people ?? []), catalogueWords };
  indexes.set(snapshot, index);
  return index;
}

function namesIndex(people: DirectoryPerson[]): Pick<PeopleIndex, 'full' | 'first'> {
  let index = nameIndexes.get(people);
  if (index) return index;
  index = { full: new Map(), first: new Map() };
  const add = (map: Map<string, DirectoryPerson[]>, key: string, p: DirectoryPerson) => {
    const list = map.get(key);
    if (list) list.push(p);
    else map.set(key, [p]);
  };
  for (const p of people) {
    const parts = nameWords(p.displayName);
    if (parts.length === 0) continue;
    add(index.full, parts.join(' '), p);
    add(index.first, parts[0] as string, p);
  }
  nameIndexes.set(people, index);
  return index;
}

function nameWords(name: string): string[] {
  return words(name).map((w) => w.norm);
}

/** The people a name at `at` refers to and how many words it takes; undefined when it is not written as a name. */
function personAt(
  ws: Word[],
  at: number,
  index: PeopleIndex,
): { people: DirectoryPerson[]; length: number } | undefined {
  const first = ws[at];
  const second = ws[at + 1];
  if (!first) return undefined;
  if (second && !first.possessive) {
    const full = index.full.get(`${first.norm} ${second.norm}`);
    if (full) return { people: full, length: 2 };
  }
  const byFirst = index.first.get(first.norm);
  if (!byFirst || !first.capitalised) return undefined;
  if (COMMON_WORDS.has(first.norm) || index.catalogueWords.has(first.norm)) return undefined;
  return { people: byFirst, length: 1 };
}

/** "my colleague", "our new hire", "him": someone else, unnamed. Returns the number of words, or 0. */
function unnamedAt(ws: Word[], at: number): number {
  const w = ws[at];
  if (!w) return 0;
  if (PRONOUNS.has(w.norm)) return 1;
  let i = at;
  while (i < at + 3 && ws[i] && OTHERS_OWNER.has((ws[i] as Word).norm)) i++;
  if (i === at) return 0;
  const noun = ws[i];
  return noun && OTHERS.has(noun.norm) ? i - at + 1 : 0;
}

/** The word before "for" names what is asked for: a request word, or a word of an environment or connector name. */
function asked(before: Word | undefined, index: PeopleIndex): boolean {
  if (!before) return false;
  // "IT Tools" makes "it" a catalogue word: "build it for Patti" is not about IT Tools.
  return ASKED_THINGS.has(before.norm) || (index.catalogueWords.has(before.norm) && !STOPWORDS.has(before.norm));
}

/** Whether the person ending at `last` is the one who gets it, given what follows. */
function endsAsRecipient(ws: Word[], last: number): boolean {
  const w = ws[last] as Word;
  if (w.possessive) return false; // "for Alex's app", "for my team's app": the sender needs it
  if (w.endsPhrase) return true;
  const next = ws[last + 1];
  return !next || PHRASE_END.has(next.norm);
}

/**
 * `namedOnly`: only a named person counts. A new environment is the sender's own whoever works in it ("a new
 * environment for our team"), but one asked for a named colleague would be made for the wrong person.
 */
export function someoneElse(
  text: string,
  snapshot: CatalogueSnapshot,
  requesterId: string | undefined,
  namedOnly = false,
): SomeoneElse | undefined {
  const ws = words(text);
  const otherAt = namedOnly ? () => 0 : unnamedAt;
  const index = peopleIndex(snapshot);
  const isSender = (people: DirectoryPerson[]) =>
    requesterId !== undefined && people.some((p) => p.id.toLowerCase() === requesterId.toLowerCase());
  const found = (people: DirectoryPerson[]): SomeoneElse | undefined =>
    isSender(people) ? undefined : { name: people.length === 1 ? people[0]?.displayName : undefined };

  for (let i = 0; i < ws.length; i++) {
    const w = ws[i] as Word;
    // "give Alex the …", "add Alex Wilber as maker", "give my colleague access"
    const follows = GIVING[w.norm];
    if (follows && !w.endsPhrase) {
      const person = personAt(ws, i + 1, index);
      const length = person?.length ?? otherAt(ws, i + 1);
      const last = ws[i + length];
      const next = ws[i + length + 1];
      if (length > 0 && last && !last.possessive && !last.endsPhrase && next && follows.has(next.norm))
        return person ? found(person.people) : {};
    }
    // "… for Alex Wilber", "for my team in Contoso Dev", "on behalf of my manager"
    const behalf = w.norm === 'behalf' && ws[i + 1]?.norm === 'of';
    if ((w.norm === 'for' || behalf) && !w.endsPhrase && (behalf || asked(ws[i - 1], index))) {
      const at = behalf ? i + 2 : i + 1;
      const person = personAt(ws, at, index);
      const length = person?.length ?? otherAt(ws, at);
      if (length > 0 && (behalf || endsAsRecipient(ws, at + length - 1))) return person ? found(person.people) : {};
    }
    // "Alex needs the maker role", "my colleague wants access" (not "Alex needs me to …")
    const person = personAt(ws, i, index);
    const length = person?.length ?? (i === 0 || ws[i - 1]?.endsPhrase ? otherAt(ws, i) : 0);
    const verb = ws[i + length];
    const object = ws[i + length + 1];
    if (length > 0 && verb && NEEDING.has(verb.norm) && object && OBJECT_START.has(object.norm))
      return person ? found(person.people) : {};
  }
  return undefined;
}
