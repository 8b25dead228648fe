// Messages that ask for nothing the bot should file (issue 10 part 5, issue 14): withdrawals, negations, giving
// access up, hypotheticals and questions about the rules, things the bot does not do, "I need access" with no
// kind. Expected intent 'unknown' with the reading notAsked says why. Written together with the fix (not blind):
// its figure shows the guard works, the wrong-action counts of the other sets show nothing else broke.
import type { NotAsked } from '../../src/intake/not-asked.js';

export const NOT_ASKED: [text: string, why: NotAsked][] = [
  ['no need to unblock Dropbox after all', 'withdrawal'],
  ['never mind about the Salesforce connector, we found another way', 'withdrawal'],
  ["forget it, I don't need the maker role in Contoso Dev any more", 'withdrawal'],
  ['we no longer need a new sandbox for HR, thanks', 'withdrawal'],
  ['scratch that, no need for a new environment', 'withdrawal'],
  ['I do not want the Environment Maker role in Finance Sandbox', 'withdrawal'],
  ['please remove my maker role in Contoso Dev', 'release'],
  // A markdown link typed in chat is read as its label (it started a new Dropbox request).
  ['end my [Dropbox](https://contoso.example/dropbox) exception early', 'release'],
  ['I want to give up my environment maker role in Marketing Sandbox', 'release'],
  ['can you revoke my Dropbox exception in Contoso Dev, the project is over', 'release'],
  ['end my connector exception for Salesforce early please', 'release'],
  ['if I asked for Dropbox in Contoso Dev, who would approve?', 'hypothetical'],
  ['what if I needed a production environment, who would decide?', 'hypothetical'],
  ['who approves connector unblocks?', 'hypothetical'],
  ['hypothetically, would a new Production environment need a senior approver?', 'hypothetical'],
  ['how long does approval take for the maker role?', 'hypothetical'],
  ['suppose we want Salesforce in Finance Sandbox, who signs off?', 'hypothetical'],
  ['I need to reset my password', 'out-of-scope'],
  ['my outlook is broken', 'out-of-scope'],
  ['the VPN is not working again', 'out-of-scope'],
  ["I'm locked out of my laptop", 'out-of-scope'],
  ['I need access', 'access-kind'],
  ['hi, I need some access please', 'access-kind'],
  ['can I get access', 'access-kind'],
  // For someone else (a review, 30 Nov 2026): only the person who needs the access can ask. Read by the requester
  // Adele Vance; named people are users of the fixture tenant.
  ['please give Alex Wilber the maker role in Marketing Sandbox because he builds apps', 'someone-else'],
  ['I need the maker role in Marketing Sandbox for Alex, he builds apps', 'someone-else'],
  ['add Alex Wilber as maker in Marketing Sandbox', 'someone-else'],
  ['Megan needs the maker role in Contoso Dev', 'someone-else'],
  ['can you give my colleague access to Dropbox in Contoso Dev?', 'someone-else'],
  ['unblock Dropbox in Contoso Dev for my team', 'someone-else'],
  ['maker role in Contoso Dev for him please', 'someone-else'],
  ['environment maker in Finance Sandbox on behalf of my manager', 'someone-else'],
];
