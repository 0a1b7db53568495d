// GET /metrics (fcgi/h_metrics.c): Prometheus text on the loopback-only nginx location, request counts
// by route and status from every worker, latency histograms, the store's gauges, the scheduled
// backup's outcome; and SIGHUP: the workers reopen the access log (logrotate).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { startStack } from '../lib/stack.mjs';
import { Client, assertStatus, signIn } from '../lib/http.mjs';

let stack; let anon;
before(async () => {
  // Backups on, into the data folder: the first is taken at once.
  stack = await startStack({ env: { CONNECT_BACKUP_INTERVAL: '3600', WORKERS: '2', THREADS: '4' } });
  anon = new Client(stack.base);
  // The scheduler takes the first backup right after start: wait for its outcome (a busy machine is slow).
  for (let i = 0; i < 300 && !existsSync(join(stack.data, 'backups', 'last.json')); i += 1) await new Promise((r) => setTimeout(r, 100));
});
after(async () => { await stack?.stop(); });

/** The samples of a metrics text: {"name{labels}": value}. */
function samples(text) {
  const out = {};
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-z_]+(?:\{.*\})?) (\S+)$/);
    assert.ok(m, `a sample line: ${line}`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

async function metrics() {
  const r = await fetch(`${stack.base}/metrics`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  return { text: await r.text(), headers: r.headers };
}

test('metrics: Prometheus text with HELP and TYPE for every family, no personal data', async () => {
  const { text } = await metrics();
  const families = new Set([...text.matchAll(/^# TYPE (\S+) (counter|gauge|histogram)$/gm)].map((m) => m[1]));
  for (const f of ['connect_http_requests_total', 'connect_http_request_duration_seconds', 'connect_worker_restarts_total',
    'connect_lmdb_map_size_bytes', 'connect_lmdb_used_pages', 'connect_lmdb_readers', 'connect_outbox_messages',
    'connect_outbox_oldest_age_seconds', 'connect_work_overdue', 'connect_work_open', 'connect_destroyed_cases_total',
    'connect_backup_last_ok', 'connect_backup_last_success_age_seconds']) {
    assert.ok(families.has(f), `family ${f} in\n${text}`);
  }
  for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
    const name = line.match(/^[a-z_]+/)[0];
    assert.ok([...families].some((f) => name === f || name.startsWith(`${f}_`)), `${name} has a TYPE line`);
  }
  assert.doesNotMatch(text, /Northfield|nfc\.|@example/i);
});

test('metrics: requests counted by route and status across workers, with a histogram', async () => {
  const before = samples((await metrics()).text);
  const key = 'connect_http_requests_total{method="GET",route="/api/cases/{id}",status="404"}';
  const user = await signIn(stack.base, 'nfc.user');
  // Enough requests that both workers answer some.
  for (let i = 0; i < 40; i += 1) assert.equal((await user.req('GET', '/api/cases/999999')).status, 404);
  await anon.req('GET', '/api/no-such-thing');
  const after = samples((await metrics()).text);
  assert.equal((after[key] ?? 0) - (before[key] ?? 0), 40, 'every request counted once, whichever worker answered');
  assert.ok(after['connect_http_requests_total{method="POST",route="/api/auth/login",status="200"}'] >= 1);
  assert.ok(after['connect_http_requests_total{method="",route="unmatched",status="404"}'] >= 1);
  const count = after['connect_http_request_duration_seconds_count{method="GET",route="/api/cases/{id}"}'];
  assert.equal(count, after[key] + (after['connect_http_requests_total{method="GET",route="/api/cases/{id}",status="200"}'] ?? 0));
  assert.equal(after['connect_http_request_duration_seconds_bucket{method="GET",route="/api/cases/{id}",le="+Inf"}'], count);
  assert.ok(after['connect_http_request_duration_seconds_bucket{method="GET",route="/api/cases/{id}",le="0.001"}'] <=
    after['connect_http_request_duration_seconds_bucket{method="GET",route="/api/cases/{id}",le="10"}']);
  assert.ok(after['connect_http_request_duration_seconds_sum{method="GET",route="/api/cases/{id}"}'] > 0);
});

test('metrics: the store, the work and the first scheduled backup', async () => {
  const s = samples((await metrics()).text);
  assert.equal(s.connect_backup_last_ok, 1);
  assert.equal(s.connect_backup_interval_seconds, 3600);
  assert.ok(s.connect_backup_last_success_age_seconds >= 0 && s.connect_backup_last_success_age_seconds < 60);
  assert.ok(s.connect_backup_last_size_bytes > 0);
  const last = JSON.parse(readFileSync(join(stack.data, 'backups', 'last.json'), 'utf8'));
  assert.ok(existsSync(join(stack.data, 'backups', last.name, 'data.mdb')), 'the backup named in last.json exists');
  assert.ok(existsSync(join(stack.data, 'backups', last.name, 'mfa.key')), 'with the key files');
  assert.ok(s.connect_lmdb_map_size_bytes >= s.connect_lmdb_used_pages * s.connect_lmdb_page_size_bytes);
  assert.ok(s.connect_lmdb_readers >= 1 && s.connect_lmdb_readers <= s.connect_lmdb_readers_max);
  assert.ok(s['connect_work_open{kind="alert",side="home_office"}'] >= 1, 'the demo has open alerts for the HO');
  assert.ok(s['connect_work_overdue{side="home_office"}'] >= 1, 'one demo new-case alert is overdue');
  assert.equal(s.connect_worker_restarts_total, 0);
});

test('metrics: not under /api/, and only from loopback at nginx', async () => {
  assert.equal((await anon.req('GET', '/api/metrics')).status, 404);
  const conf = readFileSync(join(stack.data, 'run', 'locations.conf'), 'utf8');
  assert.match(conf, /location = \/metrics \{\s*allow 127\.0\.0\.1;\s*allow ::1;\s*deny all;/);
});

test('SIGHUP: the workers reopen the access log (logrotate moved it)', async () => {
  const log = join(stack.data, 'log', 'access.log');
  renameSync(log, `${log}.1`);
  const master = Number(readFileSync(join(stack.data, 'connectd.lock'), 'utf8').trim());
  process.kill(master, 'SIGHUP');
  let reopened = false;
  for (let i = 0; i < 50 && !reopened; i += 1) {
    await new Promise((r) => setTimeout(r, 100));
    for (let j = 0; j < 4; j += 1) await anon.req('GET', '/api/health');
    reopened = existsSync(log) && readFileSync(log, 'utf8').includes('/api/health');
  }
  assert.ok(reopened, 'new requests go to a new access.log');
  assertStatus(await anon.req('GET', '/api/health'), 200);
});
