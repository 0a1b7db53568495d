// Name search tolerates common misspellings when nothing matches exactly (DESIGN: "tolerant of ...
// common transpositions"), and only then: an exact match is never buried under near ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, Client } from '../lib/stack.mjs';
import { createCase, person, search, q } from '../lib/cases.mjs';

let stack, nfc, ebc;
before(async () => {
  stack = await startStack();
  nfc = new Client(stack.base); await nfc.login('nfc.user');
  ebc = new Client(stack.base); await ebc.login('ebc.user');
});
after(async () => { await stack?.stop(); });

test('a letter missing, doubled or swapped still finds the person', async () => {
  const c = await createCase(nfc, { principal: person({ given_names: 'Mohammed', family_name: 'Hussein' }) });
  for (const typed of ['mohamed hussien', 'Mohammad Husein', 'hussien']) {
    const found = await search(nfc, q(typed));
    assert.ok(found.some((s) => s.id === c.id), `${typed} finds Mohammed Hussein`);
  }
  assert.ok(!(await search(nfc, q('mohamed hassan'))).some((s) => s.id === c.id), 'a different name does not');
  assert.ok(!(await search(ebc, q('mohamed hussien'))).some((s) => s.id === c.id), 'another council never sees it');
});

test('when the exact spelling exists, only exact matches come back', async () => {
  const exact = await createCase(nfc, { principal: person({ given_names: 'Amina', family_name: 'Warsame' }) });
  const near = await createCase(nfc, { principal: person({ given_names: 'Amina', family_name: 'Warsama' }) });
  const found = (await search(nfc, q('warsame'))).map((s) => s.id);
  assert.ok(found.includes(exact.id));
  assert.ok(!found.includes(near.id));
});
