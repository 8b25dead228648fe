// Who the access is for (someone-else.ts), on a made-up directory with the names real tenants have: first names
// that are common words ("Will", "May"), one that is a word of a catalogue name ("Dev"), two people called Sam.
import assert from 'node:assert/strict';
import type { CatalogueSnapshot } from '../../src/intake/catalogue.js';
import { someoneElse } from '../../src/intake/someone-else.js';
import type { Environment } from '../../src/tenant/tenant-admin.js';

const person = (id: string, displayName: string) => ({ id, displayName });
const snapshot: CatalogueSnapshot = {
  environments: [{ id: 'e1', displayName: 'Contoso Dev' } as Environment],
  connectors: [],
  locations: [],
  people: [
    person('will', 'Will Turner'),
    person('may', 'May Parker'),
    person('dev', 'Dev Patel'),
    person('sam1', 'Sam Lee'),
    person('sam2', 'Sam Ortiz'),
    person('priya', 'Priya Nair'),
  ],
};
const read = (text: string, sender = 'priya') => someoneElse(text, snapshot, sender);

describe('intake: a request for someone else', () => {
  it('a common-word first name counts only as the full name', () => {
    assert.equal(read('I will need the maker role for Will'), undefined);
    assert.equal(read('maker role in Contoso Dev for May'), undefined);
    assert.deepEqual(read('maker role in Contoso Dev for Will Turner'), { name: 'Will Turner' });
    assert.deepEqual(read('give May Parker the maker role'), { name: 'May Parker' });
  });

  it('a first name that is a word of a catalogue name counts only as the full name', () => {
    assert.equal(read('please give Dev the maker role'), undefined);
    assert.deepEqual(read('please give Dev Patel the maker role'), { name: 'Dev Patel' });
  });

  it('a first name two people share: someone else, not named', () => {
    assert.deepEqual(read('give Sam the maker role in Contoso Dev'), { name: undefined });
  });

  it('the sender named is the sender', () => {
    assert.equal(read('give Priya Nair the maker role in Contoso Dev'), undefined);
    assert.equal(read('maker role for Priya'), undefined);
  });

  it('a first name must be written as a name', () => {
    assert.equal(read('give priya the maker role', 'sam1'), undefined);
    assert.deepEqual(read('give Priya the maker role', 'sam1'), { name: 'Priya Nair' });
  });
});
