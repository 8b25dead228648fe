// Messages that mention a request without asking for one: a withdrawal or a negation ("no need to unblock Dropbox
// after all", "I am not requesting the maker role"), a wish to give access up, a hypothetical or a question about
// the rules ("who would approve …?", "do maker grants expire?"), something the bot does not do (a password reset, a
// SharePoint site, an admin security role), or "I need access" with no kind of access named. Filing any of these
// would be a wrong action; the bot answers instead. Tested on the cleaned text (one space between words).
//
// Each rule is a kind of wording, not a list of sentences: a negation word shortly before a word of asking, a
// withdrawal verb applied to a request, a question about how deciding works that does not itself ask.
/** 'someone-else': the access is for another person (someone-else.ts); only they can ask. */
export type NotAsked = 'withdrawal' | 'release' | 'hypothetical' | 'out-of-scope' | 'access-kind' | 'someone-else';

const WITHDRAWAL =
  /\b(no need (to|for)|(don'?t|do not|no longer) (need|want)|never ?mind|forget (it|about it|that)|after all|not needed any ?more|scratch that|ignore (my|that|the) (last|previous) (message|request)|change[ds]? (my|our) minds?|hold off|call off|(can|could|should|may) be (dropped|cancell?ed|withdrawn|ignored|forgotten|closed)|(no longer|not) (needed|required))\b/i;
/** A withdrawal verb applied to a request or the thing asked for: "disregard my request for …", "forget the new sandbox". */
const WITHDRAWN_ASK =
  /\b(forget|disregard|ignore|scratch|scrap|withdraw|cancel|drop|hold off on|call off)( about)? (my|the|that|this|our)( \w+){0,3} (request|ask|message|unblock|ticket|role|exception|sandbox|environment|env)\b/i;
/** A negation shortly before a word of asking: "not requesting", "won't be needing", "don't think we need". */
const NEGATED_ASK =
  /\b(not|don'?t|dont|do not|does not|doesn'?t|won'?t|will not|never|no longer|nah)( \w+){0,2} (need|needs|needed|needing|want|wants|wanted|require|requires|required|requesting|request|asking|ask)\b/i;
/** "don't forget I need …", "do not hesitate": a reminder, not a negated ask. */
const REMINDER = /^ ?(not|don'?t|dont|do not|never) (forget|hesitate|worry)\b/i;
/** "no maker role for me", "no new sandbox needed", "neither the maker role nor …" (not "I have no maker role"). */
const NO_REQUEST =
  /\b(no|neither|nor)( new| more| further| extra| the| a| an)? (maker|env maker|environment maker|sandbox|environment|env|exception|unblock|request)\b/i;
const HAS_NO = /\b(have|has|had|got|with|without|get) (no|neither)\b/i;
/** What follows a negation or withdrawal that still asks for something: "…, just the maker role", "but I need Box". */
const CORRECTION = /\b(just|instead|only|rather|but)\b/i;
const STILL_ASKS = /\b(maker|role|unblock|connector|environment|sandbox|env|access|need|want|please|pls)\b/i;

const RELEASE =
  /\b(remove|release|give up|drop|revoke|take away|end|finish|relinquish|hand back|get rid of|unassign)( me from| me off)? (my|the|me)( \w+){0,3} (maker|role|exception|access|permission|permissions|rights)\b|\b(step (me )?down|take me off|remove me) (from|as|of)\b|\b(re-?block|block( \w+){1,3} again)\b|\b(exception|role|access) (can|could|should|may) (end|stop|expire)\b|\b(no longer|don'?t|do not) (need|want|use) my( \w+){0,3} (exception|role|access|rights|permission)\b/i;

const HYPOTHETICAL =
  /^(if|what if|suppose|hypothetically|say)\b|\b(who would|would (it|that|this) (need|require)|who (approves|decides|signs off)|how long (would|does) (it|approval|a request) take|what are the rules)\b/i;
/** A question: a question mark, or a question word first. */
const QUESTION = /\?|^(would|does|do|is|are|how|what|whats|when|why|who|which|will|should|must)\b/i;
/** Words about how requests are decided, not about what is wanted. */
const ABOUT_DECIDING =
  /\b(approv\w*|senior|sign(s|ed)? off|rules?|polic(y|ies)|allowed|permitted|expir\w*|justification|how long|how many|by default|what would it take)\b/i;
/**
 * Wording that asks all the same, wherever it sits: "could someone give me …?", "please unblock …", "…, I'd like the
 * maker role" (at the start of a sentence or clause: "do I need …" is a question, "I need …" a request).
 */
const DIRECT_ASK =
  /\b(can|could|may|would|will) (i|you|we|someone|somebody|u) (please |pls |kindly )?(get|have|give|grant|unblock|add|make|enable|allow|create|set up|provision|request)\b|\bplease (unblock|give|grant|add|create|make|enable|allow|provision)\b|(^|[,.;:!?] )(i|we)('?d like| would like| need| want| require)\b/i;
/** "I need to know who approves …": wanting an answer, not access. */
const WANTS_TO_KNOW = /\b(i|we) (need|want|would like|'?d like) to (know|understand|find out|check|ask|see)\b/i;
/** A question about deciding must be about one of the bot's requests ("what is a DLP policy?" is help). */
const REQUEST_THING =
  /\b(maker|role|connector|unblock\w*|environment|env|sandbox|production|prod|exception|access|grant|grants|request)\b/i;
/** A question about a request already made is a status question, not a hypothetical. */
const EXISTING_REQUEST = /\breq[ -]?\d|\bmy (\w+ ){0,3}(request|ticket)\b/i;

const OUT_OF_SCOPE =
  /\b(password|passcode|mfa|locked out|printer|vpn|laptop|wi-?fi|mailbox|calendar invite|meeting|phone|iphone|ipad|android|town hall|webinar|(is|are|keeps?) (broken|crashing|down)|not working|doesn'?t work|won'?t (open|start|load)|(isn'?t|is not|not|stopped|keeps? not) (syncing|loading|opening|responding)|(sharepoint|team|teams) (site|channel|folder|library|page))\b/i;
/** Out of scope whatever else is said: "unblock my account" is a sign-in problem, not a connector. */
const ACCOUNT_PROBLEM = /\b(unblock|unlock|reset|restore|reactivate) my (account|login|user|profile|phone|device)\b/i;
const REQUEST_WORDING = /\b(unblock|connector|allow|enable|whitelist|environment|maker)\b/i;
const BARE_ACCESS =
  /^((hi|hello|hey),? )?(i )?(need|want|would like|request|require|get me|give me|can i (get|have)) (some |an? )?access( please| pls)?[.!]?$/i;
/** Access the bot does not grant: admin and security roles, owning or sharing an app. */
const OTHER_ACCESS =
  /\b(security role|system administrator|system admin|sysadmin|system customi[sz]er|environment admin\w*|global admin\w*|tenant admin\w*|co-?owner|owner of|admin (rights|access|role)|share (the|an|my|this|that|your)( \w+){0,3} (app|flow) with (me|us))\b/i;

export function notAsked(text: string): NotAsked | undefined {
  if (BARE_ACCESS.test(text)) return 'access-kind';
  if ((HYPOTHETICAL.test(text) && !asksAnyway(text)) || aboutDeciding(text)) return 'hypothetical';
  if (RELEASE.test(text)) return 'release';
  if (ACCOUNT_PROBLEM.test(text)) return 'out-of-scope';
  // "I don't need a new environment, just the maker role": a correction still asks for something.
  const negated = NEGATED_ASK.exec(text);
  const withdrawn =
    WITHDRAWAL.exec(text) ?? WITHDRAWN_ASK.exec(text) ?? (negated && !REMINDER.test(negated[0]) ? negated : null);
  const noRequest = HAS_NO.test(text) ? null : NO_REQUEST.exec(text);
  const held = withdrawn ?? noRequest;
  if (held && !stillAsks(text.slice(held.index + held[0].length))) return 'withdrawal';
  if (OUT_OF_SCOPE.test(text) && !REQUEST_WORDING.test(text)) return 'out-of-scope';
  if (OTHER_ACCESS.test(text)) return 'access-kind';
  return undefined;
}

/** "would a prod env need a senior approver?": a question about deciding that does not itself ask. */
function aboutDeciding(text: string): boolean {
  return (
    QUESTION.test(text) &&
    ABOUT_DECIDING.test(text) &&
    REQUEST_THING.test(text) &&
    !asksAnyway(text) &&
    !EXISTING_REQUEST.test(text)
  );
}

function asksAnyway(text: string): boolean {
  return DIRECT_ASK.test(text) && !WANTS_TO_KNOW.test(text);
}

/** A correction word followed by something asked for, or a plain ask ("…, can u give me the maker role?"). */
function stillAsks(after: string): boolean {
  if (asksAnyway(after)) return true;
  const correction = CORRECTION.exec(after);
  return Boolean(correction && STILL_ASKS.test(after.slice(correction.index + correction[0].length)));
}
