// Links in a message: read as their labels by intake, kept with their addresses for the justification (links.ts).
import assert from 'node:assert/strict';
import { readLinks, withAddresses } from '../../src/intake/links.js';
import { parseMessage } from '../../src/intake/parse.js';

describe('intake: link addresses in a justification', () => {
  it('reads markdown and Teams HTML links in order, decoding &amp; in the address', () => {
    assert.deepEqual(
      readLinks('see <a href="https://a.example/x?p=1&amp;q=2">the spec</a> and [notes](https://b.example/n)'),
      [
        { label: 'the spec', address: 'https://a.example/x?p=1&q=2' },
        { label: 'notes', address: 'https://b.example/n' },
      ],
    );
  });

  it('leaves out a bare address Teams linked to itself, an empty label and a script address', () => {
    const raw =
      '<a href="https://a.example/">https://a.example/</a> [](https://b.example/) <a href="javascript:alert(1)">x</a>';
    assert.deepEqual(readLinks(raw), []);
  });

  it('puts each address after its own label, the same label twice in order', () => {
    const links = [
      { label: 'spec', address: 'https://a.example/1' },
      { label: 'spec', address: 'https://a.example/2' },
    ];
    assert.equal(
      withAddresses('spec one and spec two', links),
      'spec (https://a.example/1) one and spec (https://a.example/2) two',
    );
  });

  it('intake reads the label; the justification keeps the address', () => {
    const parsed = parseMessage(
      'unblock Dropbox in Contoso Dev because the [spec](https://contoso.example/spec) says so',
    );
    assert.equal(parsed.text, 'unblock Dropbox in Contoso Dev because the spec says so');
    assert.equal(parsed.justification, 'the spec (https://contoso.example/spec) says so');
  });
});
