// "If I asked for Dropbox in Contoso Dev, who would approve?": the request inside a hypothetical, as words the
// normal intake can read ("Dropbox in Contoso Dev"), so the bot can answer with a dry run of the policy. In code
// rather than one regex over the whole sentence: each expression here matches a short, fixed phrase (linear).

const OPENER = /^(?:what if|if|suppose|supposing|hypothetically|say|imagine)\b[ ,]*/i;
/** The question about the rules, wherever it sits: what follows or precedes it is the request. */
const QUESTION =
  /\b(?:who (?:would|will|approves|decides|signs off|has to|must)|would (?:it|that|this|a|an|i|we) (?:need|require|have to|be)?|how long (?:would|does|will)?|what are the rules)\b/i;
/** Asking words that carry no request: "I asked for", "we wanted", "I needed". */
const ASKING = /^(?:i|we) (?:asked|ask|requested|request|wanted|want|needed|need|would need|would like)(?: for)?\b ?/i;

const TRIM = new Set([' ', ',', '?', '.', '!', ';', ':']);

function trimmed(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && TRIM.has(text[start] ?? '')) start++;
  while (end > start && TRIM.has(text[end - 1] ?? '')) end--;
  return text.slice(start, end);
}

/** The request part of a hypothetical (cleaned text, one space between words), or undefined when none is left. */
export function hypotheticalRequest(text: string): string | undefined {
  let rest = trimmed(text).replace(OPENER, '');
  const question = QUESTION.exec(rest);
  if (question) {
    const before = trimmed(rest.slice(0, question.index));
    rest = before.length > 0 ? before : rest.slice(question.index + question[0].length);
  }
  rest = trimmed(trimmed(rest).replace(ASKING, ''));
  return rest.length > 0 ? rest : undefined;
}
