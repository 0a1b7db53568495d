// `connectctl --data DIR register import FILE.csv` (shared/API.md "Operations", fcgi/API.md "Register CSV"):
// the same CSV as the API upload; all or nothing; prints the count and exits 0, or prints each bad row with
// its line number on stderr and exits non-zero. Run on a fresh `connectctl init` folder and on a stopped
// stack's folder; what it loaded is then checked through the real stack (an HO admin made by the CLI).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, Client } from '../lib/stack.mjs';
import { assertStatus } from '../lib/http.mjs';
import { REGISTER_HEADER, regCsv, regRow, connectctl, lookup, assertMatch, assertNoMatch, registerCount, settledStop } from '../lib/rtpf.mjs';

const data = mkdtempSync(join(tmpdir(), 'connect-rtpf-cli-'));
const files = mkdtempSync(join(tmpdir(), 'connect-rtpf-csv-'));
after(() => { rmSync(data, { recursive: true, force: true }); rmSync(files, { recursive: true, force: true }); });
const ctl = (args, input) => connectctl(data, args, input);
let fileSeq = 0;
function file(text) {
  fileSeq += 1;
  const p = join(files, `register-${fileSeq}.csv`);
  writeFileSync(p, text);
  return p;
}
const HO_PASSWORD = 'home-office-cli-pass-2026';
const future = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10);
// What was loaded with success, checked through the API at the end.
const loaded = [];

/** Runs an import that must fail: non-zero, "line N" for each [line, field] on stderr, nothing on stdout. */
function refused(text, want, what) {
  const r = ctl(['register', 'import', file(text)]);
  assert.notEqual(r.status, 0, `${what}: exit status (stdout ${r.stdout})`);
  assert.equal(r.stdout, '', `${what}: nothing on stdout`);
  const lines = r.stderr.split('\n').filter((l) => /\bline \d+\b/.test(l));
  assert.deepEqual(lines.map((l) => Number(/\bline (\d+)\b/.exec(l)[1])), want.map(([n]) => n), `${what}: one "line N" per bad row in order\n${r.stderr}`);
  want.forEach(([n, field], i) => {
    if (field) assert.match(lines[i], new RegExp(`\\b${field}\\b`), `${what}: line ${n} names ${field}`);
  });
  return r;
}

test('init, an HO organisation and its admin, made by the CLI', () => {
  assert.equal(ctl(['init']).status, 0);
  const org = ctl(['org', 'add', '--kind', 'home_office', '--name', 'Home Office', '--code', 'HO']);
  assert.equal(org.status, 0, org.stderr);
  const user = ctl(['user', 'add', '--org', 'HO', '--username', 'ho.cli', '--name', 'HO Cli Admin', '--role', 'admin', '--password-stdin'], `${HO_PASSWORD}\n`);
  assert.equal(user.status, 0, user.stderr);
});

test('a good file is loaded: the count is printed and the exit status is 0 (BOM, CRLF, accents)', () => {
  const rows = [
    regRow({ document_number: 'CLI 0001', date_of_birth: '1984-04-04', given_names: 'José', family_name: 'Núñez' }),
    regRow({ document_type: 'brp', document_number: 'cli-0002', date_of_birth: '1985-05-05', given_names: 'Zoë, Anaïs', family_name: 'O"Brien', leave_expiry: '', leave_valid: 'false' }),
    regRow({ document_type: 'share_code', document_number: 'CLI0003', date_of_birth: '1986-06-06', nationality: 'Côte d’Ivoire', recourse_to_public_funds: 'true' }),
  ];
  const r = ctl(['register', 'import', file(regCsv(rows, { bom: true, eol: '\r\n' }))]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'nothing on stderr');
  assert.match(r.stdout, /\b3\b/, `the count is printed: ${r.stdout}`);
  assert.doesNotMatch(r.stdout, /line \d/);
  loaded.push(['passport', 'CLI0001', '1984-04-04', { given_names: 'José', family_name: 'Núñez' }]);
  loaded.push(['brp', 'CLI0002', '1985-05-05', { given_names: 'Zoë, Anaïs', family_name: 'O"Brien', leave_expiry: null, leave_valid: false }]);
  loaded.push(['share_code', 'CLI0003', '1986-06-06', { nationality: 'Côte d’Ivoire', recourse_to_public_funds: true }]);
});

test('a wrong header is an error on line 1', () => {
  refused(`${REGISTER_HEADER.replace('status', 'state')}\n${regRow({ document_number: 'HDRCLI' })}\n`, [[1]], 'a misnamed column');
  refused(`${REGISTER_HEADER.split(',').slice(1).join(',')}\n${regRow({ document_number: 'HDRCLI' })}\n`, [[1]], 'a missing column');
  refused('', [[1]], 'an empty file');
});

test('every bad row is reported with its line and field; nothing of the file is loaded', () => {
  const rows = [
    /* 2 */ regRow({ document_number: 'CLIGOODINBAD', date_of_birth: '1982-02-02' }),
    /* 3 */ regRow({ document_number: 'CLIB3', document_type: 'visa' }),
    /* 4 */ regRow({ document_number: 'CL!B4' }),
    /* 5 */ regRow({ document_number: 'CLIB5', date_of_birth: '1982-02-30' }),
    /* 6 */ regRow({ document_number: 'CLIB6', date_of_birth: future }),
    /* 7 */ regRow({ document_number: 'CLIB7', leave_valid: 'Y' }),
    /* 8 */ regRow({ document_number: 'CLIB8', recourse_to_public_funds: '1' }),
    /* 9 */ regRow({ document_number: 'CLIB9', leave_expiry: '31/12/2027' }),
    /* 10 */ regRow({ document_number: 'CLIB10', given_names: '' }),
    /* 11 */ regRow({ document_number: 'CLIB11', family_name: 'F'.repeat(101) }),
    /* 12 */ 'passport,CLIB12,1980-01-01',
    /* 13 */ regRow({ document_number: 'cli-good-in-bad', date_of_birth: '1982-02-02' }),
    /* 14 */ regRow({ document_number: 'CLIGOOD2', date_of_birth: '1983-03-03' }),
  ];
  const r = refused(regCsv(rows), [[3, 'document_type'], [4, 'document_number'], [5, 'date_of_birth'], [6, 'date_of_birth'],
    [7, 'leave_valid'], [8, 'recourse_to_public_funds'], [9, 'leave_expiry'], [10, 'given_names'], [11, 'family_name'], [12],
    [13, 'document_number']], 'the mixed file');
  assert.match(r.stderr, /nothing was imported|not imported|nothing/i, 'says nothing was imported');
  loaded.push(['passport', 'CLIGOODINBAD', '1982-02-02', null]);
  loaded.push(['passport', 'CLIGOOD2', '1983-03-03', null]);
});

test('an unclosed quote is reported on the line where its row starts', () => {
  refused(regCsv([regRow({ document_number: 'CLIQ1' }), regRow({ document_number: 'CLIQ2' }).replace('CLIQ2', '"CLIQ2')]), [[3]], 'unclosed quote');
  loaded.push(['passport', 'CLIQ1', '1985-06-15', null]);
});

test('a file that cannot be read is refused with a one-line reason', () => {
  const r = ctl(['register', 'import', join(files, 'no-such-file.csv')]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /no-such-file\.csv/);
  assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
});

test('people born before 1970 can be imported', () => {
  const r = ctl(['register', 'import', file(regCsv([regRow({ document_number: 'CLIOLD1', date_of_birth: '1955-03-03', given_names: 'Olga' })]))]);
  assert.equal(r.status, 0, `exit status; stderr: ${r.stderr}`);
  loaded.push(['passport', 'CLIOLD1', '1955-03-03', { given_names: 'Olga' }]);
});

test('what the CLI loaded is what the stack finds; an import on the stopped stack\'s folder replaces a record', async () => {
  const good = loaded.filter((x) => x[3]);
  let startedAt = Date.now();
  let stack = await startStack({ data, keep: true, demo: false });
  try {
    const ho = new Client(stack.base);
    assertStatus(await ho.login('ho.cli', HO_PASSWORD), 200, 'the CLI-made HO admin signs in');
    assert.equal(await registerCount(ho), good.length, 'only the good files were loaded');
    for (const [type, number, dob, want] of loaded) {
      const r = await lookup(ho, type, number, dob);
      if (want) {
        const m = assertMatch(r, number);
        for (const [k, v] of Object.entries(want)) assert.deepEqual(m[k], v, `${number}.${k}`);
      } else {
        assertNoMatch(r, `${number} (a row of a refused file)`);
      }
    }
  } finally {
    await settledStop(stack, startedAt);
  }
  const re = ctl(['register', 'import', file(regCsv([regRow({ document_number: 'cli0001', date_of_birth: '1984-04-04', given_names: 'José', family_name: 'Núñez-Ruiz', status: 'settled_status', leave_expiry: '', recourse_to_public_funds: 'true' })]))]);
  assert.equal(re.status, 0, re.stderr);
  assert.match(re.stdout, /\b1\b/);
  startedAt = Date.now();
  stack = await startStack({ data, keep: true, demo: false });
  try {
    const ho = new Client(stack.base);
    assertStatus(await ho.login('ho.cli', HO_PASSWORD), 200);
    assert.equal(await registerCount(ho), good.length, 'a replacement, not a new record');
    const m = assertMatch(await lookup(ho, 'passport', 'CLI-0001', '1984-04-04'));
    assert.deepEqual(m, { given_names: 'José', family_name: 'Núñez-Ruiz', date_of_birth: '1984-04-04', nationality: 'Eritrean', status: 'settled_status', leave_valid: true, leave_expiry: null, recourse_to_public_funds: true });
  } finally {
    await settledStop(stack, startedAt);
  }
});
