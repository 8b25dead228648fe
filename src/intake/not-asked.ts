// Messages that mention a request without asking for one: a withdrawal ("no need to unblock Dropbox after all"),
// a wish to give access up, a hypothetical or a question about the rules ("who would approve …?"), something the
// bot does not do (a password reset), or "I need access" with no kind of access named. Filing any of these would
// be a wrong action; the bot answers instead. Tested on the cleaned text (one space between words).
export type NotAsked = 'withdrawal' | 'release' | 'hypothetical' | 'out-of-scope' | 'access-kind';

const WITHDRAWAL =
  /\b(no need (to|for)|(don'?t|do not|no longer) (need|want)|never ?mind|forget (it|about it|that)|after all|not needed any ?more|scratch that|ignore (my|that|the) (last|previous) (message|request))\b/i;
const RELEASE =
  /\b(remove|release|give up|drop|revoke|take away|end|relinquish|hand back|get rid of) (my|me from( the)?|the) (own )?(environment maker|maker|connector|access|role|exception|dropbox|permission)/i;
const HYPOTHETICAL =
  /^(if|what if|suppose|hypothetically|say)\b|\b(who would|would (it|that|this) (need|require)|who (approves|decides|signs off)|how long (would|does) (it|approval|a request) take|what are the rules)\b/i;
const OUT_OF_SCOPE =
  /\b(password|passcode|mfa|locked out|printer|vpn|laptop|wi-?fi|mailbox|calendar invite|(is|are|keeps?) (broken|crashing|down)|not working|doesn'?t work|won'?t (open|start|load))\b/i;
const CORRECTION = /\b(just|instead|only|rather|but)\b/i;
const REQUEST_WORDING = /\b(unblock|connector|allow|enable|whitelist|environment|maker)\b/i;
const BARE_ACCESS =
  /^((hi|hello|hey),? )?(i )?(need|want|would like|request|require|get me|give me|can i (get|have)) (some |an? )?access( please| pls)?[.!]?$/i;

export function notAsked(text: string): NotAsked | undefined {
  if (BARE_ACCESS.test(text)) return 'access-kind';
  if (HYPOTHETICAL.test(text)) return 'hypothetical';
  if (RELEASE.test(text)) return 'release';
  // "I don't need a new environment, just the maker role": a correction still asks for something.
  if (WITHDRAWAL.test(text) && !CORRECTION.test(text)) return 'withdrawal';
  if (OUT_OF_SCOPE.test(text) && !REQUEST_WORDING.test(text)) return 'out-of-scope';
  return undefined;
}
