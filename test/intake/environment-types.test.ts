// A name that matches no environment is not stretched to another one, especially not of another type (issue 10 part
// 5): a "prod" is never a Sandbox, Developer or Trial environment, a "sandbox", "dev" or "test" never a Production one.
// The reading is ambiguous, names what was typed, and offers at most three candidates; real names and typos of them
// still resolve.
import assert from 'node:assert/strict';
import type { CatalogueSnapshot } from '../../src/intake/catalogue.js';
import { understand } from '../../src/intake/understand.js';
import { fixtureSnapshot, NOW, REQUESTER } from './evaluate.js';

const STRETCHED: [text: string, typed: string][] = [
  ['maker role in Marketing Production', 'Marketing Production'],
  ['unblock dropbox in marketing prod', 'marketing prod'],
  ['maker role in the prod marketing env', 'prod marketing'],
  ['I need the maker role in Sales Production', 'Sales Production'],
  ['maker role in Operations Sandbox', 'Operations Sandbox'],
  ['unblock salesforce in IT Tools dev', 'IT Tools dev'],
  ['maker role in operations test environment', 'operations test'],
  // The same family under a name that does not exist is not stretched either: a type word the name lacks.
  ['maker role in marketing dev', 'marketing dev'],
  ['maker role in Sales Sandbox', 'Sales Sandbox'],
  // A misspelt type word says the type all the same.
  ['maker role in Marketing Prodution', 'Marketing Prodution'],
  ['unblock dropbox in operations sanbox', 'operations sanbox'],
];

const RESOLVED: [text: string, env: string][] = [
  ['maker role in Finance Production', 'Finance Production'],
  ['maker role in finance prod', 'Finance Production'],
  ['maker role in finanse sandbox', 'Finance Sandbox'],
  ['maker role in marketing', 'Marketing Sandbox'],
  ['maker role in marketing to test a flow', 'Marketing Sandbox'],
  ['unblock dropbox in Contoso Dev', 'Contoso Dev'],
  ['maker role in IT Tools', 'IT Tools'],
  ['maker role in IT Tools production', 'IT Tools'], // its own type, though not in its name
];

describe('intake: environment names of another type', () => {
  let snapshot: CatalogueSnapshot;
  let close: () => Promise<void>;
  before(async () => {
    ({ snapshot, close } = await fixtureSnapshot());
  });
  after(async () => close());

  for (const [text, typed] of STRETCHED)
    it(`asks back: ${JSON.stringify(text)}`, () => {
      const env = understand(text, snapshot, { requesterId: REQUESTER, now: NOW }).environment;
      assert.equal(env.confidence, 'ambiguous', `${env.value?.displayName} taken`);
      assert.equal(env.unmatched, typed);
      assert.ok(env.options.length >= 1 && env.options.length <= 3, `${env.options.length} options`);
    });

  for (const [text, name] of RESOLVED)
    it(`resolves: ${JSON.stringify(text)} → ${name}`, () => {
      const env = understand(text, snapshot, { requesterId: REQUESTER, now: NOW }).environment;
      assert.ok(env.confidence === 'high' || env.confidence === 'medium', env.confidence);
      assert.equal(env.value?.displayName, name);
      assert.equal(env.unmatched, undefined);
    });
});
