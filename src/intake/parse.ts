// A deterministic reading of chat text: which intents the wording points to, and the raw pieces (request ids,
// justification, duration, new-environment fields, short answers). Names stay as typed; resolve.ts matches them.
import type { ChannelKind } from '../requests/ports/store.js';
import { COMMON_WORDS } from './common-words.js';
import { parseDuration, parseSpan } from './duration.js';
import { cleanText, type EnvironmentSku, type IntentKind, type ParsedMessage } from './intent.js';
import { readLinks, withAddresses } from './links.js';
import { foldAccents, inOrder, matchAfter, tokenize, trimEndChars, trimStartChars } from './text.js';
import { parseTimeRange } from './time-range.js';
import { fixCommandWords } from './typos.js';

const REQUEST_ID = /\breq[ -]*(\d{1,9})\b/gi;

type Cue = [IntentKind, RegExp | ((text: string) => boolean), number];

/**
 * Wording cues, tested on the folded text: lower case, one space between words (cleanText), so a plain space
 * stands for any whitespace and no pattern has a whitespace run to backtrack over. Scored 0..1. A strong cue (1) names the intent; weaker ones need an entity to back them. */
const CUES: Cue[] = [
  // "makerrole", "envmaker": the role word glued to its neighbour.
  ['maker-role', /\b(env(ironment)?)?makers?(role|rights|access|perms?|permissions?)?\b/, 1],
  [
    'maker-role',
    /\b(build|create|make|develop|design)(ing)? (power )?(apps?|flows?|solutions?|canvas|automations?)(( ?, ?| (and|&|or|\/) | ?\/ ?)(power )?(apps?|flows?|solutions?|automations?))? (in|on|inside)\b/,
    0.8,
  ],
  ['maker-role', /\b(add|put) me (to|in|into|as)\b/, 0.6],
  ['maker-role', /\b(access|permissions?|rights|role) (to|in|on|for)\b/, 0.5],
  ['maker-role', /\b(can'?t|cannot|unable to|not able to) (create|build|make) (apps?|flows?)/, 0.7],
  ['unblock-connector', /\b(un-?block(s|ed|ing)?|unban(ned)?|(white|allow)-?list(s|ed|ing)?)\b/, 1],
  ['unblock-connector', /\b(allow|enable|permit|approve|open up|turn on|activate)\b/, 0.45],
  ['unblock-connector', /\bconnectors?\b/, 0.6],
  ['unblock-connector', /\b(blocked|dlp|data loss|data policy)\b/, 0.6],
  ['unblock-connector', /\b(use|using|connect to|integrate with|access)\b/, 0.25],
  [
    'new-environment',
    /\b(new|another|fresh|extra|second|additional|own) ([a-z0-9]+ ){0,2}(environment|env|instance)s?\b/,
    1,
  ],
  [
    'new-environment',
    /\b(create|provision|spin up|set up|setup|make|stand up|build|deploy|open) (me )?((an?|the|my|one|some) )?(\w+ ){0,2}(environment|env|instance)s?\b/,
    1,
  ],
  [
    'new-environment',
    /\b(new|create|provision|spin up|set up) (an? )?([a-z]{2,5} )?(sandbox|sbx|trial|production|prod|developer|dev)\b/,
    0.9,
  ],
  ['new-environment', /\b(environment|env) (called|named)\b/, 0.9],
  [
    'new-environment',
    /\b(need|want|get|request|like|have|order) (me )?(an?|my own) (\w+ )?(environment|env|sandbox|trial)\b/,
    0.8,
  ],
  // "a developer environment for myself": an environment of a type, for someone, is a new one.
  ['new-environment', /\ban? (sandbox|sbx|trial|production|prod|developer|dev) (environment|env|instance)\b/, 0.8],
  [
    'status',
    /\b(status|progress|update on|any update|any news|news on|state of|what'?s (happening|going on|up) with|what happened (to|with)|where (is|are|'s)|how is|how'?s|stuck|still waiting|heard back|approved yet|done yet|is it done|been approved|check on|still pending|is my request|has my request|did my request|my request (still |now )?(pending|approved|done))\b/,
    0.9,
  ],
  [
    'list-mine',
    /\b(my (open |pending |recent |old |past |previous |current |outstanding |active )?(requests|tickets|asks|reqs)|(what|which) (requests|tickets|reqs) (do|did|have) i\b|(list|show|see|view) (all )?(of )?my\b|what (have|did) i (ask|request)(ed)?|requests? i (have |'ve |ve )?(made|filed|raised|sent|submitted|opened|logged)|everything i (asked|requested))\b/,
    1,
  ],
  [
    'cancel',
    /\b(cancel|withdraw|retract|scrap|rescind|call off|take back|no longer need|don'?t need|do not need|dont need|remove my request|delete my request)\b/,
    0.9,
  ],
  [
    'cancel',
    /\b(revoke|drop|kill|abandon|delete|remove|close) (my|the|this|that) (\w+ ){0,3}(request|ticket|req)\b/,
    0.9,
  ],
  // "drop req-1006", "kill REQ-12": a cancel verb aimed straight at a request id.
  [
    'cancel',
    /\b(drop|kill|abandon|delete|remove|close|pull|ditch|bin|nix|stop) (request |ticket )?(#|req[ -]*)\d/,
    0.9,
  ],
  [
    'list-pending',
    /\b(pending|awaiting|waiting) (approvals?|requests?|decisions?|for (my |an )?(approval|review|decision))\b/,
    1,
  ],
  [
    'list-pending',
    /\b(what|which|anything|something|requests?) (needs?|to|waiting for|is waiting for|are waiting for) (my )?(approv|review|sign.?off)/,
    1,
  ],
  [
    'list-pending',
    /\b(waiting (on|for) me|waiting on my (approval|decision|review|sign.?off)|approval queue|my queue|the queue|to approve|needs? my approval|for me to (approve|review)|(show|list|see) (the )?(pending|open)\b)/,
    1,
  ],
  ['list-pending', /\bpending\b/, 0.5],
  // Approvers' questions about the past: the audit trail and the licence report.
  [
    'audit',
    /\b(audit(ing)?( trail| log| history| entries| records| events)?|activity log|change log|who did what)\b(?! channel)/,
    1,
  ],
  [
    'audit',
    /\b(what|who) (happened|changed|was done|has happened|has changed|did (something|anything)) (in|on|inside|since|during|over|last|yesterday|today|this (week|month|year)|recently|lately)\b/,
    1,
  ],
  ['audit', /\b(history|log|trail) (of|for)\b/, 0.8],
  ['audit', /\bwho (changed|modified|touched|approved|did|made changes|granted|removed)\b/, 1],
  ['licence-report', /\blicen[cs](e|es|ing) (report|overview|summary|list|export|usage|counts?|audit)\b/, 1],
  [
    'licence-report',
    inOrder(
      /\b(who|which (users?|people|makers)|how many( users| people)?|anyone|everyone)\b/,
      /\b(has|have|holds?|got|owns?|with|without|lacks?|missing)\b/,
      /\blicen[cs](e|es)\b/,
    ),
    1,
  ],
  ['licence-report', inOrder(/\b(list|show|report|export|see)\b/, /\blicen[cs]es\b/), 1],
  ['licence-report', inOrder(/\bhow many\b/, /\blicen[cs]es\b/), 1],
  [
    'licence-report',
    inOrder(/\b(who|which|how many|list|show|anyone|everyone|users?|people|makers)\b/, /\b(un)?licen[cs]ed\b/),
    1,
  ],
  ['licence-report', /\bpower (apps|automate) (licen[cs]es|plans)\b/, 0.6],
  // The requester answers an approver's question; asks to keep a time-bound grant longer.
  ['answer-info', /^(my )?(answer|reply|response)\b/, 0.9],
  ['extend', /\b(extend(ed|ing)?|extension|prolong|renew|lengthen)\b/, 1],
  [
    'extend',
    inOrder(
      /\b(keep|retain|hold on to|stay)\b/,
      /\b(another|longer|more|extra|additional|further|beyond|past|after)\b/,
    ),
    1,
  ],
  [
    'extend',
    /\b(need|want|like) (it|this|that|the (maker )?role|the access|access|the connector|them) (for )?(a bit )?longer\b/,
    1,
  ],
  ['help', /^(help|\?|h|menu|commands?|usage|info|start|options)[.!?]*$/, 1],
  [
    'help',
    /\b(help|what can you do|explain|what do you do|what can i (do|ask)|how (does|do) (this|it|you) work|how do i|how can i|how to|what are (you|your commands)|list (of )?commands|instructions|who are you|what is this bot)\b/,
    0.6,
  ],
  // "what's a DLP policy?", "what does Environment Maker mean": a question about a word.
  ['help', inOrder(/\bwhat('?s| is| are) an? \w/, /^[\w -]{0,30}\?/), 0.6],
  ['help', inOrder(/\bwhat does \w/, /^[\w -]{1,30} mean\b/), 0.6],
  [
    'greeting',
    /^(hi|hello|hey|heya|hiya|yo|howdy|hola|bonjour|salut|hallo|ciao|ola|hej|moin|servus|buongiorno|buenos dias|buenas|guten (tag|morgen)|good (morning|afternoon|evening|day)|greetings|namaste|konnichiwa|sup|whats up|what's up|g'?day|aloha|ahoy)\b/,
    0.9,
  ],
  // Greetings in other scripts and a wave: \b only sees Latin letters.
  ['greeting', /^ ?(👋|🙋|こんにちは|こんばんは|おはよう|你好|您好|안녕|привет|здравств|مرحبا|שלום|नमस्ते|γεια)/u, 0.9],
  [
    'thanks',
    /\b(thanks|thank you|thank u|thx|thnx|tnx|ty|cheers|merci|gracias|danke|grazie|obrigad[oa]|dank je|tack|appreciate(d| it)?|much appreciated|great job|awesome|perfect|brilliant|nice one)\b/,
    0.9,
  ],
];

/** Where a justification starts; the separator before it (", - because") is trimmed in code (see reasonStart). */
const REASON =
  /\b(because|cause|cuz|coz|since|as (?:i|we|my|our)|so (?:that|i can|we can|i could|we could)|in order to|to (?:build|create|make|develop|automate|connect|sync|send|post|read|store|pull|push|get|run|track|manage|prototype|try|host|work on)|for building|for the [\w-]{1,40} (?:project|app|team|flow|process|work|initiative|pilot|poc)|for our|for my|needed for|need (?:it|this|that) for|i need it to|(?:i|we) (?:want|need) to|justification|reason|purpose|why:)\b ?(?:[:-] ?)?/i;

/** A closing and the writer's name at the very end: "Thanks so much, Adele", "Cheers - Grady Archie". */
const SIGN_OFF = new RegExp(
  `[ ,.;:!-]*\\b(${[
    'many thanks',
    'thanks',
    'thank you',
    'thx',
    'ty',
    'cheers',
    'regards',
    'best',
    'br',
    'ta',
    'merci',
    'danke',
    'gracias',
  ]
    .map((w) => w.replace(/^./, (c) => `[${c}${c.toUpperCase()}]`))
    .join('|')})\\b[\\w ]{0,20}?[ ,.;:!-]+\\p{Lu}[\\p{L}'-]+( \\p{Lu}[\\p{L}'-]+)?[ .!]*$`,
  'u',
);

const ORDINALS: Record<string, number> = {
  first: 1,
  '1st': 1,
  one: 1,
  second: 2,
  '2nd': 2,
  two: 2,
  third: 3,
  '3rd': 3,
  three: 3,
  fourth: 4,
  '4th': 4,
  four: 4,
  fifth: 5,
  '5th': 5,
  five: 5,
  sixth: 6,
  '6th': 6,
  six: 6,
};

const SKU_OF: Record<string, EnvironmentSku> = {
  production: 'Production',
  prod: 'Production',
  prd: 'Production',
  sandbox: 'Sandbox',
  sbx: 'Sandbox',
  sandpit: 'Sandbox',
  trial: 'Trial',
  developer: 'Developer',
  dev: 'Developer',
  development: 'Developer',
};

const CURRENCY: Record<string, string> = {
  usd: 'USD',
  dollar: 'USD',
  dollars: 'USD',
  eur: 'EUR',
  euro: 'EUR',
  euros: 'EUR',
  gbp: 'GBP',
  pound: 'GBP',
  pounds: 'GBP',
  sterling: 'GBP',
  cad: 'CAD',
  aud: 'AUD',
  jpy: 'JPY',
  yen: 'JPY',
};

const LANGUAGE: Record<string, number> = {
  english: 1033,
  german: 1031,
  deutsch: 1031,
  french: 1036,
  francais: 1036,
  spanish: 3082,
  espanol: 3082,
};

export function parseMessage(raw: string, now: Date = new Date()): ParsedMessage {
  const text = cleanText(raw);
  const links = readLinks(raw);
  const l = fixCommandWords(foldAccents(text).toLowerCase(), (w) => COMMON_WORDS.has(w));
  const cues: ParsedMessage['cues'] = {};
  for (const [kind, cue, score] of CUES) {
    if (typeof cue === 'function' ? cue(l) : cue.test(l)) cues[kind] = Math.max(cues[kind] ?? 0, score);
  }

  // "Thanks so much, Adele": a signature names the writer, never what is asked for.
  const body = text.replace(SIGN_OFF, '');
  const requestIds = [...text.matchAll(REQUEST_ID)].map((m) => `REQ-${m[1]}`);
  const parsed: ParsedMessage = {
    text,
    cues,
    requestIds: [...new Set(requestIds)],
    tokens: [],
    allTokens: tokenize(body),
    newEnvironment: {},
    answer: {},
  };
  if (links.length > 0) parsed.links = links;

  readDecision(text, l, parsed);
  readChannel(l, parsed);
  readAnswerCommand(text, parsed);
  if (cues.extend) parsed.extension = parseSpan(text);

  // Cut out the duration, then the justification: what is left names things.
  let head = body;
  // "by Friday" ends an extension, but in a new request it is when the access is needed, not when it ends.
  const duration = parseDuration(head, now, { byEnds: Boolean(cues.extend) });
  if (duration) {
    parsed.grantEndsAt = duration.endsAt.toISOString();
    head = head.replace(duration.text, ' ');
  }
  if (cues.audit && !parsed.cues['set-channel']) {
    const range = parseTimeRange(head, now);
    if (range) {
      parsed.auditRange = range;
      head = head.replace(range.text, ' ');
    }
  }
  if (parsed.extension) head = head.replace(parsed.extension.text, ' ');
  const name = readName(head);
  if (name) {
    parsed.newEnvironment.name = name.value;
    head = head.replace(name.text, ' ');
  }
  const reason = REASON.exec(head);
  const reasonAt = reason ? separatorStart(head, reason.index) : 0;
  if (reason && reasonAt > 0) {
    const keepWord = /^(to|in order to|i want to|we want to|we need to|i need to|for)/i.test(reason[1] ?? '');
    const rest = head.slice(reason.index + reason[0].length).trim();
    const justification = (
      keepWord ? `${(reason[1] ?? '').replace(/^(i|we) (want|need) /i, '')} ${rest}` : rest
    ).trim();
    if (rest.length > 0) parsed.justification = withAddresses(trimEndChars(justification, '.!'), links);
    head = head.slice(0, reasonAt);
  }
  parsed.tokens = tokenize(head);

  readNewEnvironment(l, parsed);
  readAnswer(l, parsed);
  return parsed;
}

function readDecision(text: string, l: string, parsed: ParsedMessage): void {
  const m =
    /\b(approve[ds]?|approving|accept(?:ed|ing)?|ok|okay|lgtm|go ahead with|sign(?:ed)? off(?: on)?|green-?light(?:ed)?|reject(?:ed|ing)?|deny|denied|denying|decline[ds]?|declining|refuse[ds]?|refusing|turn(?:ed)? down)\b[ ,:]*(request )?req[ -]*(\d{1,9})\b/i.exec(
      text,
    ) ?? /^ ?req[ -]*(\d{1,9}) ?(?:[:,-] ?)?(is )?(approved|rejected|denied|declined)\b(.*)$/i.exec(text);
  if (!m) return;
  // The first form leaves the comment out of the regex (an open tail made it polynomial): it is what follows.
  const tail = m.length === 4 ? text.slice(m.index + m[0].length) : (m.at(-1) ?? '');
  const words = m.slice(1).filter(Boolean) as string[];
  const verb =
    words.find((w) => /^(approve|accept|ok|okay|lgtm|go ahead|sign|green|reject|den|decline|refuse|turn)/i.test(w)) ??
    '';
  const id = words.find((w) => /^\d+$/.test(w));
  if (!id) return;
  if (/^(cancel)/i.test(l)) return;
  // "who approved REQ-12?" asks about a decision; it never makes one.
  if (/^ ?(who|when|why|how|was|were|has|have|did|is|whether)\b/i.test(l)) return;
  parsed.verdict = /^(reject|den|decline|refuse|turn)/i.test(verb) ? 'reject' : 'approve';
  parsed.requestIds = [`REQ-${id}`, ...parsed.requestIds.filter((r) => r !== `REQ-${id}`)];
  const comment = trimStartChars(tail, ' \t\n,:.-')
    .trim()
    .replace(/^(because|as|since|-|:) ?/i, '');
  parsed.comment = comment || undefined;
  parsed.cues.decide = 1;
}

/** "answer REQ-1003 it is for the Q3 budget app", "reply to REQ-12: yes", "answer: the budget app". */
function readAnswerCommand(text: string, parsed: ParsedMessage): void {
  const m =
    /^ ?(?:my )?(?:answer|reply|response|respond)(?: (?:to|for|on))?(?: (?:the )?question(?: (?:on|about|for|in))?)? req[ -]*(\d{1,9})\b(.*)$/i.exec(
      text,
    ) ?? /^ ?(?:my )?(?:answer|reply|response)(?: ?is)? ?[:,-](.+)$/i.exec(text);
  if (!m) {
    readRegarding(text, parsed);
    return;
  }
  const id = m.length === 3 ? m[1] : undefined;
  parsed.answerText = answerBody(m.at(-1) ?? '') || undefined;
  if (id) {
    parsed.requestIds = [`REQ-${id}`, ...parsed.requestIds.filter((r) => r !== `REQ-${id}`)];
    parsed.cues['answer-info'] = 1;
  }
}

/** "re REQ-1003: it is for the budget app": a statement about one request, written like an e-mail reply. */
function readRegarding(text: string, parsed: ParsedMessage): void {
  const m = /^ ?(?:re|regarding|ref) ?(?:: ?)?req[ -]*(\d{1,9}) ?[:\u2013\u2014-](.+)$/i.exec(text);
  const answer = m?.[2]?.trim();
  // A question after the id ("re REQ-12: any update?") asks; it answers nothing.
  if (!m?.[1] || !answer || answer.endsWith('?')) return;
  parsed.answerText = answer;
  parsed.requestIds = [`REQ-${m[1]}`, ...parsed.requestIds.filter((r) => r !== `REQ-${m[1]}`)];
  parsed.cues['answer-info'] = 1;
}

function readChannel(l: string, parsed: ParsedMessage): void {
  const set = matchAfter(
    /\b(set|use|make|choose|pick|register|configure)\b/,
    /\b(approvals?|approver|audit|notifications?|news|alerts?)\b/,
    l,
  );
  const thisIs = set
    ? null
    : /\bthis (is the |channel (is for|is|for) (the )?)(approvals?|audit|notifications?|news)\b/.exec(l);
  // "post approval cards in this channel", "send approvals here from now on": a delivery verb and a place.
  const delivery =
    /\b(post|send|route|deliver|put|drop|direct) (all )?(the )?(approvals?|approval (cards|requests)|audit|notifications?|news|alerts?)\b/.exec(
      l,
    );
  const here =
    delivery && /\b(here|this channel)\b/.test(l.slice(delivery.index + delivery[0].length)) ? delivery : null;
  const named = set?.[1] ?? thisIs?.[4];
  const word = named && /\bchannel\b/.test(l) ? named : (here?.[4] ?? '');
  if (!word) return;
  const channel: ChannelKind = /^approv/.test(word) ? 'approvals' : /^audit/.test(word) ? 'audit' : 'notifications';
  parsed.channel = channel;
  parsed.cues['set-channel'] = 1;
}

/** "called Payroll Tools", "named 'HR Apps'", or a quoted name. */
function readName(text: string): { value: string; text: string } | undefined {
  // Single quotes only around words: the apostrophes of "you're ... I've" quote nothing.
  const quoted = /["“”«]([^"“”«»]{2,80})["“”»]/.exec(text) ?? /(?<!\w)'([^']{2,80})'(?!\w)/.exec(text);
  const m = calledName(text) ?? quoted;
  if (!m?.[1]) return undefined;
  const value = m[1].trim();
  return value ? { value, text: m[0] } : undefined;
}

const CALLED = /\b(?:called|named|name it|name:|name is|titled|call it) ["“']?(?=[A-Za-z0-9])/i;
const NAME_CHARS = /^[\w&.\- ]*$/;
const NAME_END =
  /["”']?(?: (?:in|on|with|without|for|because|since|as|so|type|region|located|and|using|please|pls|thanks|\(|-)\b|[,;.!?(]|$)/i;

/**
 * "called Payroll Tools in Europe": the words after the naming verb up to a joining word or punctuation, at most
 * 80 characters. In code rather than one regex with a lazy bounded name and a look-ahead, which recheck finds
 * polynomial on repeated "called X&called X&…".
 */
function calledName(text: string): { 1: string; 0: string } | undefined {
  const lead = CALLED.exec(text);
  if (!lead) return undefined;
  const start = lead.index + lead[0].length;
  const window = text.slice(start, start + 81);
  const end = NAME_END.exec(window);
  if (!end || end.index > 80) return undefined;
  const name = window.slice(0, end.index);
  if (!NAME_CHARS.test(name)) return undefined;
  const closing = /^["”']/.test(window.slice(end.index)) ? 1 : 0;
  return { 1: name, 0: text.slice(lead.index, start + end.index + closing) };
}

function readNewEnvironment(l: string, parsed: ParsedMessage): void {
  const words = parsed.tokens.map((t) => t.norm);
  const ne = parsed.newEnvironment;
  for (const w of [...words, ...parsed.allTokens.map((t) => t.norm)]) {
    const sku = SKU_OF[w];
    if (sku && !ne.sku) ne.sku = sku;
  }
  const typeField = /\btype ?(?:[:=] ?)?(production|prod|sandbox|sbx|trial|developer|dev)\b/.exec(l);
  if (typeField?.[1]) ne.sku = SKU_OF[typeField[1]];
  if (
    /\b(no|without|w\/o|skip|don'?t need|do not need|dont need|no need for) (an? |the )?(dataverse|database|db|cds)\b|\b(dataverse|database|db) ?(?:[:=] ?)?(no|false|none|n)\b/.test(
      l,
    )
  )
    ne.dataverse = false;
  else if (
    /\b(with|needs?|including|include|add|plus|want|and) (an? |the )?(dataverse|database|db|cds)\b|\b(dataverse|database) ?(?:[:=] ?)?(yes|true|y)\b/.test(
      l,
    )
  )
    ne.dataverse = true;
  for (const w of words) {
    if (!ne.currency && CURRENCY[w]) ne.currency = CURRENCY[w];
    if (!ne.languageLcid && LANGUAGE[w]) ne.languageLcid = LANGUAGE[w];
  }
}

function readAnswer(l: string, parsed: ParsedMessage): void {
  const a = parsed.answer;
  const s = trimEndChars(l, '.!?').trim();
  if (
    /^(y|yes|yep|yeah|yup|ya|sure|ok|okay|k|confirm(ed)?|correct|right|that'?s right|that'?s it|go( ahead)?|do it|please do|looks good|lgtm|submit|file it|send it|proceed|affirmative|si|oui|ja)( please| thanks| thank you)?$/.test(
      s,
    )
  )
    a.yes = true;
  if (
    /^(n|no|nope|nah|cancel|stop|abort|never ?mind|forget it|don'?t|do not|no thanks|no thank you|scrap (it|that)|drop it)$/.test(
      s,
    )
  )
    a.no = true;
  if (/^(change|edit|modify|fix|change (it|something|that)|let me change( it)?)$/.test(s)) a.change = true;
  const ord =
    /^(?:option ?|number ?|no\.? ?|#)?(\d{1,2})$/.exec(s) ??
    /^(?:the )?(first|second|third|fourth|fifth|sixth|1st|2nd|3rd|4th|5th|6th|one|two|three|four|five|six)(?: (?:one|option|choice))?(?: please)?$/.exec(
      s,
    );
  if (ord?.[1]) a.ordinal = /^\d+$/.test(ord[1]) ? Number(ord[1]) : ORDINALS[ord[1]];
  if (/^(the )?last( one)?$/.test(s)) a.ordinal = -1;
  if (
    /^(no|nope|sorry|oops|actually|wait|hmm|i meant|i mean|meant|rather|make (it|that)|change (it|that) to|switch (it )?to|not\b.*\bbut\b|instead)\b|\binstead\b|\bi meant\b/.test(
      s,
    )
  )
    a.correction = true;
}

/** Where the separator before a justification word starts: "tools, because" cuts before the comma. */
function separatorStart(head: string, at: number): number {
  let i = at;
  while (i > 0 && ' \t\n,;:.!-'.includes(head[i - 1] ?? '')) i--;
  return i;
}

/** An answer after "answer REQ-12": drops the separator (":", "is -") before the text. */
function answerBody(rest: string): string {
  const body = trimStartChars(rest, ' \t\n:,.-');
  const afterIs = /^is\b/i.test(body) ? trimStartChars(body.slice(2), ' \t\n:,.-') : body;
  return afterIs.trim();
}
