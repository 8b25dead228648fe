// A deterministic reading of chat text: which intents the wording points to, and the raw pieces (request ids,
// justification, duration, new-environment fields, short answers). Names stay as typed; resolve.ts matches them.
import type { ChannelKind } from '../requests/ports/store.js';
import { COMMON_WORDS } from './common-words.js';
import { parseDuration, parseSpan } from './duration.js';
import { cleanText, type EnvironmentSku, type IntentKind, type ParsedMessage } from './intent.js';
import { foldAccents, tokenize } from './text.js';
import { parseTimeRange } from './time-range.js';
import { fixCommandWords } from './typos.js';

const REQUEST_ID = /\breq\s*-?\s*(\d{1,9})\b/gi;

type Cue = [IntentKind, RegExp, number];

/** Wording cues, scored 0..1. A strong cue (1) names the intent; weaker ones need an entity to back them. */
const CUES: Cue[] = [
  // "makerrole", "envmaker": the role word glued to its neighbour.
  ['maker-role', /\b(env(ironment)?)?makers?(role|rights|access|perms?|permissions?)?\b/, 1],
  [
    'maker-role',
    /\b(build|create|make|develop|design)(ing)?\s+(power\s+)?(apps?|flows?|solutions?|canvas|automations?)((\s*,\s*|\s+(and|&|or|\/)\s+|\s*\/\s*)(power\s+)?(apps?|flows?|solutions?|automations?))?\s+(in|on|inside)\b/,
    0.8,
  ],
  ['maker-role', /\b(add|put)\s+me\s+(to|in|into|as)\b/, 0.6],
  ['maker-role', /\b(access|permissions?|rights|role)\s+(to|in|on|for)\b/, 0.5],
  ['maker-role', /\b(can'?t|cannot|unable to|not able to)\s+(create|build|make)\s+(apps?|flows?)/, 0.7],
  ['unblock-connector', /\b(un-?block(s|ed|ing)?|unban(ned)?|(white|allow)-?list(s|ed|ing)?)\b/, 1],
  ['unblock-connector', /\b(allow|enable|permit|approve|open up|turn on|activate)\b/, 0.45],
  ['unblock-connector', /\bconnectors?\b/, 0.6],
  ['unblock-connector', /\b(blocked|dlp|data loss|data policy)\b/, 0.6],
  ['unblock-connector', /\b(use|using|connect to|integrate with|access)\b/, 0.25],
  [
    'new-environment',
    /\b(new|another|fresh|extra|second|additional|own)\s+(\w+\s+){0,2}(environment|env|instance)s?\b/,
    1,
  ],
  [
    'new-environment',
    /\b(create|provision|spin up|set up|setup|make|stand up|build|deploy|open)\s+(me\s+)?(an?|the|my|one|some)?\s*(\w+\s+){0,2}(environment|env|instance)s?\b/,
    1,
  ],
  [
    'new-environment',
    /\b(new|create|provision|spin up|set up)\s+(an?\s+)?([a-z]{2,5}\s+)?(sandbox|sbx|trial|production|prod|developer|dev)\b/,
    0.9,
  ],
  ['new-environment', /\b(environment|env)\s+(called|named)\b/, 0.9],
  [
    'new-environment',
    /\b(need|want|get|request|like|have|order)\s+(me\s+)?(an?|my own)\s+(\w+\s+)?(environment|env|sandbox|trial)\b/,
    0.8,
  ],
  // "a developer environment for myself": an environment of a type, for someone, is a new one.
  ['new-environment', /\ban?\s+(sandbox|sbx|trial|production|prod|developer|dev)\s+(environment|env|instance)\b/, 0.8],
  [
    'status',
    /\b(status|progress|update on|any update|any news|news on|state of|what'?s (happening|going on|up) with|what happened (to|with)|where (is|are|'s)|how is|how'?s|stuck|still waiting|heard back|approved yet|done yet|is it done|been approved|check on|still pending|is my request|has my request|did my request|my request (still |now )?(pending|approved|done))\b/,
    0.9,
  ],
  [
    'list-mine',
    /\b(my (open |pending |recent |old |past |previous |current |outstanding |active )?(requests|tickets|asks|reqs)|(what|which) (requests|tickets|reqs) (do|did|have) i\b|(list|show|see|view)\s+(all\s+)?(of\s+)?my\b|what (have|did) i (ask|request)(ed)?|requests? i (have |'ve |ve )?(made|filed|raised|sent|submitted|opened|logged)|everything i (asked|requested))\b/,
    1,
  ],
  [
    'cancel',
    /\b(cancel|withdraw|retract|scrap|rescind|call off|take back|no longer need|don'?t need|do not need|dont need|remove my request|delete my request)\b/,
    0.9,
  ],
  [
    'cancel',
    /\b(revoke|drop|kill|abandon|delete|remove|close)\s+(my|the|this|that)\s+(\w+\s+){0,3}(request|ticket|req)\b/,
    0.9,
  ],
  // "drop req-1006", "kill REQ-12": a cancel verb aimed straight at a request id.
  [
    'cancel',
    /\b(drop|kill|abandon|delete|remove|close|pull|ditch|bin|nix|stop)\s+(request\s+|ticket\s+)?(#|req\s*-?\s*)\d/,
    0.9,
  ],
  [
    'list-pending',
    /\b(pending|awaiting|waiting)\s+(approvals?|requests?|decisions?|for (my |an )?(approval|review|decision))\b/,
    1,
  ],
  [
    'list-pending',
    /\b(what|which|anything|something|requests?)\s+(needs?|to|waiting for|is waiting for|are waiting for)\s+(my\s+)?(approv|review|sign.?off)/,
    1,
  ],
  [
    'list-pending',
    /\b(waiting (on|for) me|waiting on my (approval|decision|review|sign.?off)|approval queue|my queue|the queue|to approve|needs? my approval|for me to (approve|review)|(show|list|see)\s+(the\s+)?(pending|open)\b)/,
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
    /\b(what|who) (happened|changed|was done|has happened|has changed|did (something|anything))\s+(in|on|inside|since|during|over|last|yesterday|today|this (week|month|year)|recently|lately)\b/,
    1,
  ],
  ['audit', /\b(history|log|trail)\s+(of|for)\b/, 0.8],
  ['audit', /\bwho (changed|modified|touched|approved|did|made changes|granted|removed)\b/, 1],
  ['licence-report', /\blicen[cs](e|es|ing)\s+(report|overview|summary|list|export|usage|counts?|audit)\b/, 1],
  [
    'licence-report',
    /\b(who|which (users?|people|makers)|how many( users| people)?|anyone|everyone)\b.*\b(has|have|holds?|got|owns?|with|without|lacks?|missing)\b.*\blicen[cs](e|es)\b/,
    1,
  ],
  ['licence-report', /\b(list|show|report|export|see)\b.*\blicen[cs]es\b/, 1],
  ['licence-report', /\bhow many\b.*\blicen[cs]es\b/, 1],
  [
    'licence-report',
    /\b(who|which|how many|list|show|anyone|everyone|users?|people|makers)\b.*\b(un)?licen[cs]ed\b/,
    1,
  ],
  ['licence-report', /\bpower (apps|automate) (licen[cs]es|plans)\b/, 0.6],
  // The requester answers an approver's question; asks to keep a time-bound grant longer.
  ['answer-info', /^(my\s+)?(answer|reply|response)\b/, 0.9],
  ['extend', /\b(extend(ed|ing)?|extension|prolong|renew|lengthen)\b/, 1],
  [
    'extend',
    /\b(keep|retain|hold on to|stay)\b.*\b(another|longer|more|extra|additional|further|beyond|past|after)\b/,
    1,
  ],
  [
    'extend',
    /\b(need|want|like)\s+(it|this|that|the (maker )?role|the access|access|the connector|them)\s+(for\s+)?(a bit\s+)?longer\b/,
    1,
  ],
  ['help', /^(help|\?+|h|menu|commands?|usage|info|start|options)[.!?]*$/, 1],
  [
    'help',
    /\b(help|what can you do|what('?s| is| are) an? [\w\s-]{1,30}?\w(?=\s*\?)|what does [\w\s-]{2,30} mean|explain|what do you do|what can i (do|ask)|how (does|do) (this|it|you) work|how do i|how can i|how to|what are (you|your commands)|list (of )?commands|instructions|who are you|what is this bot)\b/,
    0.6,
  ],
  [
    'greeting',
    /^(hi|hello|hey|heya|hiya|yo|howdy|hola|bonjour|salut|hallo|ciao|ola|hej|moin|servus|buongiorno|buenos dias|buenas|guten (tag|morgen)|good (morning|afternoon|evening|day)|greetings|namaste|konnichiwa|sup|whats up|what's up|g'?day|aloha|ahoy)\b/,
    0.9,
  ],
  // Greetings in other scripts and a wave: \b only sees Latin letters.
  ['greeting', /^\s*(👋|🙋|こんにちは|こんばんは|おはよう|你好|您好|안녕|привет|здравств|مرحبا|שלום|नमस्ते|γεια)/u, 0.9],
  [
    'thanks',
    /\b(thanks|thank you|thank u|thx|thnx|tnx|ty|cheers|merci|gracias|danke|grazie|obrigad[oa]|dank je|tack|appreciate(d| it)?|much appreciated|great job|awesome|perfect|brilliant|nice one)\b/,
    0.9,
  ],
];

const REASON =
  /\s*[,;:.!-]*\s*\b(because|cause|cuz|coz|since|as i|as we|as my|as our|so that|so i can|so we can|so i could|so we could|in order to|to build|to create|to make|to develop|to automate|to connect|to sync|to send|to post|to read|to store|to pull|to push|to get|to run|to track|to manage|to prototype|to try|to host|to work on|for building|for the [\w-]+ (project|app|team|flow|process|work|initiative|pilot|poc)|for our|for my|needed for|need it for|need this for|need that for|i need it to|i want to|we want to|we need to|i need to|justification|reason|purpose|why:)\b\s*[:-]?\s*/i;

/** A closing and the writer's name at the very end: "Thanks so much, Adele", "Cheers - Grady Archie". */
const SIGN_OFF = new RegExp(
  `[\\s,.;:!-]*\\b(${[
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
    .join('|')})\\b[\\w\\s]{0,20}?[\\s,.;:!-]+\\p{Lu}[\\p{L}'-]+(\\s+\\p{Lu}[\\p{L}'-]+)?[\\s.!]*$`,
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
  const l = fixCommandWords(foldAccents(text).toLowerCase(), (w) => COMMON_WORDS.has(w));
  const cues: ParsedMessage['cues'] = {};
  for (const [kind, re, score] of CUES) {
    if (re.test(l)) cues[kind] = Math.max(cues[kind] ?? 0, score);
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

  readDecision(text, l, parsed);
  readChannel(l, parsed);
  readAnswerCommand(text, parsed);
  if (cues.extend) parsed.extension = parseSpan(text);

  // Cut out the duration, then the justification: what is left names things.
  let head = body;
  const duration = parseDuration(head, now);
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
  if (reason && reason.index > 0) {
    const keepWord = /^(to|in order to|i want to|we want to|we need to|i need to|for)/i.test(reason[1] ?? '');
    const rest = head.slice(reason.index + reason[0].length).trim();
    const justification = (
      keepWord ? `${(reason[1] ?? '').replace(/^(i|we) (want|need) /i, '')} ${rest}` : rest
    ).trim();
    if (rest.length > 0) parsed.justification = justification.replace(/[.!]+$/, '');
    head = head.slice(0, reason.index);
  }
  parsed.tokens = tokenize(head);

  readNewEnvironment(l, parsed);
  readAnswer(l, parsed);
  return parsed;
}

function readDecision(text: string, l: string, parsed: ParsedMessage): void {
  const m =
    /\b(approve[ds]?|approving|accept(?:ed|ing)?|ok|okay|lgtm|go ahead with|sign(?:ed)? off(?: on)?|green-?light(?:ed)?|reject(?:ed|ing)?|deny|denied|denying|decline[ds]?|declining|refuse[ds]?|refusing|turn(?:ed)? down)\b[\s,:]*(request\s+)?req\s*-?\s*(\d{1,9})\b[\s,:.-]*(.*)$/i.exec(
      text,
    ) ?? /^\s*req\s*-?\s*(\d{1,9})\s*[:,-]?\s*(is\s+)?(approved|rejected|denied|declined)\b[\s,:.-]*(.*)$/i.exec(text);
  if (!m) return;
  const words = m.slice(1).filter(Boolean) as string[];
  const verb =
    words.find((w) => /^(approve|accept|ok|okay|lgtm|go ahead|sign|green|reject|den|decline|refuse|turn)/i.test(w)) ??
    '';
  const id = words.find((w) => /^\d+$/.test(w));
  if (!id) return;
  if (/^(cancel)/i.test(l)) return;
  // "who approved REQ-12?" asks about a decision; it never makes one.
  if (/^\s*(who|when|why|how|was|were|has|have|did|is|whether)\b/i.test(l)) return;
  parsed.verdict = /^(reject|den|decline|refuse|turn)/i.test(verb) ? 'reject' : 'approve';
  parsed.requestIds = [`REQ-${id}`, ...parsed.requestIds.filter((r) => r !== `REQ-${id}`)];
  const comment = (m.at(-1) ?? '').trim().replace(/^(because|as|since|-|:)\s*/i, '');
  parsed.comment = comment || undefined;
  parsed.cues.decide = 1;
}

/** "answer REQ-1003 it is for the Q3 budget app", "reply to REQ-12: yes", "answer: the budget app". */
function readAnswerCommand(text: string, parsed: ParsedMessage): void {
  const m =
    /^\s*(?:my\s+)?(?:answer|reply|response|respond)(?:\s+(?:to|for|on))?(?:\s+(?:the\s+)?question(?:\s+(?:on|about|for|in))?)?\s+req\s*-?\s*(\d{1,9})\b\s*(?:is\s*)?[:,.-]*\s*([\s\S]*)$/i.exec(
      text,
    ) ?? /^\s*(?:my\s+)?(?:answer|reply|response)\s*(?:is\s*)?[:,-]\s*([\s\S]+)$/i.exec(text);
  if (!m) {
    readRegarding(text, parsed);
    return;
  }
  const id = m.length === 3 ? m[1] : undefined;
  parsed.answerText = (m.at(-1) ?? '').trim() || undefined;
  if (id) {
    parsed.requestIds = [`REQ-${id}`, ...parsed.requestIds.filter((r) => r !== `REQ-${id}`)];
    parsed.cues['answer-info'] = 1;
  }
}

/** "re REQ-1003: it is for the budget app": a statement about one request, written like an e-mail reply. */
function readRegarding(text: string, parsed: ParsedMessage): void {
  const m = /^\s*(?:re|regarding|ref)\s*:?\s*req\s*-?\s*(\d{1,9})\s*[:\u2013\u2014-]\s*([\s\S]+)$/i.exec(text);
  const answer = m?.[2]?.trim();
  // A question after the id ("re REQ-12: any update?") asks; it answers nothing.
  if (!m?.[1] || !answer || /\?\s*$/.test(answer)) return;
  parsed.answerText = answer;
  parsed.requestIds = [`REQ-${m[1]}`, ...parsed.requestIds.filter((r) => r !== `REQ-${m[1]}`)];
  parsed.cues['answer-info'] = 1;
}

function readChannel(l: string, parsed: ParsedMessage): void {
  const m =
    /\b(set|use|make|choose|pick|register|configure)\b.*?\b(approvals?|approver|audit|notifications?|news|alerts?)\b\s*(channel)?/.exec(
      l,
    ) ?? /\bthis (is the |channel (is for|is|for) (the )?)(approvals?|audit|notifications?|news)\b/.exec(l);
  // "post approval cards in this channel", "send approvals here from now on": a delivery verb and a place.
  const here =
    /\b(post|send|route|deliver|put|drop|direct)\s+(all\s+)?(the\s+)?(approvals?|approval (cards|requests)|audit|notifications?|news|alerts?)\b.*\b(here|this channel)\b/.exec(
      l,
    );
  const word = m && /\bchannel\b/.test(l) ? (m[2] ?? m[4] ?? '') : (here?.[4] ?? '');
  if (!word) return;
  const channel: ChannelKind = /^approv/.test(word) ? 'approvals' : /^audit/.test(word) ? 'audit' : 'notifications';
  parsed.channel = channel;
  parsed.cues['set-channel'] = 1;
}

/** "called Payroll Tools", "named 'HR Apps'", or a quoted name. */
function readName(text: string): { value: string; text: string } | undefined {
  // Single quotes only around words: the apostrophes of "you're ... I've" quote nothing.
  const quoted = /["“”«]([^"“”«»]{2,80})["“”»]/.exec(text) ?? /(?<!\w)'([^']{2,80})'(?!\w)/.exec(text);
  const called =
    /\b(?:called|named|name it|name:|name is|titled|call it)\s+["“']?([A-Za-z0-9][\w&.\- ]{0,79}?)["”']?(?=\s+(?:in|on|with|without|for|because|since|as|so|type|region|located|and|using|please|pls|thanks|\(|-)\b|[,;.!?(]|$)/i.exec(
      text,
    );
  const m = called ?? quoted;
  if (!m?.[1]) return undefined;
  const value = m[1].trim();
  return value ? { value, text: m[0] } : undefined;
}

function readNewEnvironment(l: string, parsed: ParsedMessage): void {
  const words = parsed.tokens.map((t) => t.norm);
  const ne = parsed.newEnvironment;
  for (const w of [...words, ...parsed.allTokens.map((t) => t.norm)]) {
    const sku = SKU_OF[w];
    if (sku && !ne.sku) ne.sku = sku;
  }
  const typeField = /\btype\s*[:=]?\s*(production|prod|sandbox|sbx|trial|developer|dev)\b/.exec(l);
  if (typeField?.[1]) ne.sku = SKU_OF[typeField[1]];
  if (
    /\b(no|without|w\/o|skip|don'?t need|do not need|dont need|no need for)\s+(an?\s+|the\s+)?(dataverse|database|db|cds)\b|\b(dataverse|database|db)\s*[:=]?\s*(no|false|none|n)\b/.test(
      l,
    )
  )
    ne.dataverse = false;
  else if (
    /\b(with|needs?|including|include|add|plus|want|and)\s+(an?\s+|the\s+)?(dataverse|database|db|cds)\b|\b(dataverse|database)\s*[:=]?\s*(yes|true|y)\b/.test(
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
  const s = l.replace(/[.!?]+$/, '').trim();
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
    /^(?:option\s*|number\s*|no\.?\s*|#)?(\d{1,2})$/.exec(s) ??
    /^(?:the\s+)?(first|second|third|fourth|fifth|sixth|1st|2nd|3rd|4th|5th|6th|one|two|three|four|five|six)(?:\s+(?:one|option|choice))?(?:\s+please)?$/.exec(
      s,
    );
  if (ord?.[1]) a.ordinal = /^\d+$/.test(ord[1]) ? Number(ord[1]) : ORDINALS[ord[1]];
  if (/^(the\s+)?last(\s+one)?$/.test(s)) a.ordinal = -1;
  if (
    /^(no|nope|sorry|oops|actually|wait|hmm|i meant|i mean|meant|rather|make (it|that)|change (it|that) to|switch (it )?to|not\b.*\bbut\b|instead)\b|\binstead\b|\bi meant\b/.test(
      s,
    )
  )
    a.correction = true;
}
