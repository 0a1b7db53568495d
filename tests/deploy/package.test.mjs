// The Debian package (make deb): lintian, systemd-analyze, the layout, then the package run as an
// operator would: unpacked into a scratch root (dpkg-deb -x; the same files apt would put in place),
// connectd started with the unit's own ExecStartPre/ExecStart and the shipped environment file, as the
// user connect when the test runs as root (as CI does), nginx with the shipped site over TLS with a
// test certificate, a sign-in with the second factor the shipped settings require, a backup taken
// while four clients write, `connectctl restore BACKUP --data DIR`, and connectd on the restored folder
// serving every case acknowledged before the backup began.
// A tool that is missing fails the test with its name (make test installs them: TEST_PKGS).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const DEB = process.env.CONNECT_DEB;
const AS_ROOT = process.getuid() === 0;
let S; // the scratch root
const procs = [];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error?.code === 'ENOENT') assert.fail(`${cmd} is not installed (make deps installs it)`);
  return r;
}
function ok(cmd, args, opts) {
  const r = run(cmd, args, opts);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
/** argv to run cmd as the service user (root: setpriv to connect; otherwise as ourselves). */
const asConnect = (argv) => (AS_ROOT ? ['setpriv', '--reuid=connect', '--regid=connect', '--init-groups', '--', ...argv] : argv);
function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}
/** Absolute paths of the installed system, moved into the scratch root. */
const relocate = (text) => text.replace(/(\/usr\/sbin\/|\/usr\/share\/connect|\/var\/lib\/connect|\/var\/log\/connect|\/var\/backups\/connect|\/run\/connect|\/etc\/connect)/g, `${S}$1`);

before(() => {
  assert.ok(DEB && existsSync(DEB), `CONNECT_DEB names the built package (make test-deploy): ${DEB}`);
  S = mkdtempSync('/tmp/connect-deploy-');
  chmodSync(S, 0o755);
  ok('dpkg-deb', ['-x', DEB, S]);
});
after(() => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM');
  if (!process.env.KEEP_DATA) rmSync(S, { recursive: true, force: true });
});

test('lintian: no error or warning; each remaining tag is explained in the overrides', () => {
  const r = run('lintian', ['--fail-on', 'error,warning', '--display-info', DEB]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /^[EWI]: /m, `lintian said:\n${r.stdout}`);
});

test('control: Depends names runtime libraries, never a -dev package; conffiles; maintainer scripts', () => {
  const depends = ok('dpkg-deb', ['-f', DEB, 'Depends']);
  for (const lib of ['liblmdb0', 'libjansson4', 'libfcgi0ldbl', 'libssl3', 'libcurl4', 'adduser']) assert.match(depends, new RegExp(`\\b${lib}\\b`));
  assert.doesNotMatch(depends, /-dev\b|build-essential|nginx/);
  const ctl = mkdtempSync('/tmp/connect-deploy-ctl-');
  ok('dpkg-deb', ['-e', DEB, ctl]);
  assert.deepEqual(readFileSync(join(ctl, 'conffiles'), 'utf8').trim().split('\n').sort(),
    ['/etc/connect/connect.env', '/etc/logrotate.d/connect', '/etc/nginx/sites-available/connect']);
  const postinst = readFileSync(join(ctl, 'postinst'), 'utf8');
  assert.match(postinst, /adduser --quiet --system --group --home \/var\/lib\/connect/);
  assert.match(postinst, /install -d -o connect -g connect -m 0700 \/var\/lib\/connect/);
  for (const s of ['postinst', 'prerm', 'postrm']) ok('sh', ['-n', join(ctl, s)]);
  rmSync(ctl, { recursive: true, force: true });
  for (const f of ['usr/sbin/connectd', 'usr/sbin/connectctl', 'usr/share/connect/web/index.html', 'etc/connect/connect.env',
    'lib/systemd/system/connectd.service', 'etc/nginx/sites-available/connect', 'etc/logrotate.d/connect',
    'usr/share/connect/nginx/locations.conf', 'usr/share/connect/auth/common-passwords.txt', 'usr/share/connect/store/bank-holidays.json']) {
    assert.ok(existsSync(join(S, f)), `${f} is in the package`);
  }
  assert.equal(statSync(join(S, 'usr/sbin/connectd')).mode & 0o777, 0o755);
});

test('systemd-analyze: the unit verifies, and its exposure score is low', () => {
  const dir = mkdtempSync('/tmp/connect-deploy-unit-');
  // verify checks the commands exist: point them at the scratch root's binaries.
  writeFileSync(join(dir, 'connectd.service'), readFileSync(join(S, 'lib/systemd/system/connectd.service'), 'utf8').replaceAll('/usr/sbin/', `${S}/usr/sbin/`));
  const v = run('systemd-analyze', ['verify', join(dir, 'connectd.service')]);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.equal(v.stderr.trim(), '', `verify said:\n${v.stderr}`);
  const sec = run('systemd-analyze', ['security', '--offline=true', `--root=${S}`, 'connectd.service']);
  assert.equal(sec.status, 0, sec.stdout + sec.stderr);
  const score = Number(sec.stdout.match(/Overall exposure level for connectd\.service: ([\d.]+)/)?.[1]);
  console.log(`systemd-analyze security: exposure ${score}`);
  assert.ok(score > 0 && score <= 2.0, `exposure ${score} (README "Deploying" says 1.2)\n${sec.stdout}`);
  const unit = readFileSync(join(dir, 'connectd.service'), 'utf8');
  for (const d of ['ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'NoNewPrivileges=yes', 'MemoryDenyWriteExecute=yes',
    'ReadWritePaths=/var/lib/connect /var/log/connect /var/backups/connect', 'User=connect', 'Type=notify', 'Restart=on-failure']) {
    assert.ok(unit.includes(d), `the unit has ${d}`);
  }
  assert.match(unit, /^SystemCallFilter=@system-service$/m);
  rmSync(dir, { recursive: true, force: true });
});

/** The unit's ExecStartPre and ExecStart, relocated, with $CONNECT_OPTIONS from the environment file. */
function unitCommands(env) {
  const unit = readFileSync(join(S, 'lib/systemd/system/connectd.service'), 'utf8');
  const line = (key) => relocate(unit.match(new RegExp(`^${key}=(.*)$`, 'm'))[1]).split(/\s+/)
    .flatMap((w) => (w === '$CONNECT_OPTIONS' ? (env.CONNECT_OPTIONS ?? '').split(/\s+/).filter(Boolean) : [w]));
  return { pre: line('ExecStartPre'), start: line('ExecStart') };
}

/** Starts connectd on `data` from the installed layout; resolves when its socket is there. */
async function startConnectd(env, data) {
  const { pre, start } = unitCommands(env);
  const swap = (argv) => argv.map((w) => (w === `${S}/var/lib/connect` ? data : w));
  const e = { PATH: process.env.PATH, ...env };
  const r = run(asConnect(swap(pre))[0], asConnect(swap(pre)).slice(1), { env: e });
  assert.equal(r.status, 0, `ExecStartPre: ${r.stderr}`);
  const sock = `${S}/run/connect/connectd.sock`;
  rmSync(sock, { force: true });
  const argv = asConnect(swap(start));
  const p = spawn(argv[0], argv.slice(1), { env: e, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  p.stderr.on('data', (d) => { log += d; });
  procs.push(p);
  for (let i = 0; i < 100 && !existsSync(sock); i += 1) {
    assert.equal(p.exitCode, null, `connectd exited:\n${log}`);
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.ok(existsSync(sock), `connectd is listening:\n${log}`);
  return { p, log: () => log };
}
async function stopProcess(p) {
  if (p.exitCode !== null) return p.exitCode;
  p.kill('SIGTERM');
  return new Promise((res) => p.on('exit', (code) => res(code)));
}

test('installed layout: connectd as connect behind the shipped TLS site; a backup under write load restores whole', { timeout: 180000 }, async () => {
  if (AS_ROOT && run('id', ['connect']).status !== 0) {
    // What postinst does (adduser --system --group); useradd is in every Debian base system.
    ok('useradd', ['--system', '--user-group', '--home-dir', '/var/lib/connect', '--no-create-home', '--shell', '/usr/sbin/nologin', 'connect']);
  }
  const owner = AS_ROOT ? ['connect', 'connect'] : null;
  for (const [d, mode] of [['var/lib/connect', 0o700], ['var/backups/connect', 0o700], ['var/log/connect', 0o750], ['run/connect', 0o750], ['var/log/nginx', 0o755]]) {
    mkdirSync(join(S, dirname(d)), { recursive: true, mode: 0o755 });
    mkdirSync(join(S, d), { mode });
    chmodSync(join(S, d), mode);
    if (owner && d !== 'var/log/nginx') ok('chown', [owner.join(':'), join(S, d)]);
  }
  // The shipped environment file, as systemd reads it, with the addresses of this test.
  const env = {};
  for (const l of readFileSync(join(S, 'etc/connect/connect.env'), 'utf8').split('\n')) {
    const m = l.match(/^([A-Z_]+)=(.*)$/);
    if (m) env[m[1]] = relocate(m[2]);
  }
  assert.equal(env.CONNECT_MFA, 'required');
  const unit = readFileSync(join(S, 'lib/systemd/system/connectd.service'), 'utf8');
  for (const m of unit.matchAll(/^Environment=(.*)$/gm)) for (const kv of m[1].split(/\s+/)) { const [k, v] = kv.split('='); env[k] = relocate(v); }
  const tlsPort = await freePort(); const httpPort = await freePort();
  const base = `https://127.0.0.1:${tlsPort}`;
  env.CONNECT_PUBLIC_URL = base;
  env.CONNECT_BACKUP_INTERVAL = '3600';

  // A test certificate where the site expects one.
  mkdirSync(join(S, 'etc/connect/tls'), { recursive: true });
  const cert = join(S, 'etc/connect/tls/fullchain.pem');
  ok('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(S, 'etc/connect/tls/privkey.pem'), '-out', cert]);

  const connectd = await startConnectd(env, `${S}/var/lib/connect`);
  const data = `${S}/var/lib/connect`;
  const ctl = (args, input) => {
    const argv = asConnect([`${S}/usr/sbin/connectctl`, ...args]);
    // As an operator runs it (README "Deploying"): no settings; it finds its data files beside itself.
    return run(argv[0], argv.slice(1), { input, env: { PATH: process.env.PATH } });
  };
  assert.equal(ctl(['--data', data, 'org', 'add', '--kind', 'council', '--name', 'Deploy Test Council', '--code', 'DTC']).status, 0);
  const password = 'Deploy-Test-Lantern-Fjord-93';
  const add = ctl(['--data', data, 'user', 'add', '--org', 'DTC', '--username', 'dtc.user', '--name', 'Deploy Tester', '--role', 'user', '--password-stdin'], password);
  assert.equal(add.status, 0, add.stderr);
  if (AS_ROOT) {
    assert.equal(statSync(data).uid, Number(ok('id', ['-u', 'connect']).trim()), 'the data folder belongs to connect');
    assert.equal(statSync(join(data, 'data.mdb')).uid, statSync(data).uid, 'the store was made by connect');
  }
  assert.equal(statSync(data).mode & 0o777, 0o700);

  // nginx: the shipped site, its absolute paths moved into the scratch root and its ports to free ones.
  const site = join(S, 'etc/nginx/sites-available/connect');
  writeFileSync(site, relocate(readFileSync(site, 'utf8'))
    .replace(/^\s*listen \[::\]:.*$/gm, '')
    .replace('listen 443 ssl http2;', `listen 127.0.0.1:${tlsPort} ssl http2;`)
    .replace('listen 80;', `listen 127.0.0.1:${httpPort};`)
    .replaceAll('/var/log/nginx/', `${S}/var/log/nginx/`));
  const locations = join(S, 'usr/share/connect/nginx/locations.conf');
  writeFileSync(locations, relocate(readFileSync(locations, 'utf8')));
  mkdirSync(join(S, 'run/nginx'), { recursive: true });
  const temp = ['client_body', 'fastcgi', 'proxy', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${S}/run/nginx/${t};`).join(' ');
  // As root the workers run as www-data in the group connect, as postinst arranges.
  const user = AS_ROOT ? `user ${run('id', ['www-data']).status === 0 ? 'www-data' : 'nobody'} connect;` : '';
  writeFileSync(join(S, 'run/nginx/nginx.conf'), `${user} worker_processes 1; daemon off; pid ${S}/run/nginx/nginx.pid;
events { worker_connections 256; }
http { include /etc/nginx/mime.types; default_type application/octet-stream; ${temp} include ${site}; }\n`);
  const nginxBin = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
  ok(nginxBin, ['-t', '-q', '-p', `${S}/run/nginx`, '-c', `${S}/run/nginx/nginx.conf`, '-e', `${S}/var/log/nginx/error.log`]);
  const nginx = spawn(nginxBin, ['-p', `${S}/run/nginx`, '-c', `${S}/run/nginx/nginx.conf`, '-e', `${S}/var/log/nginx/error.log`], { stdio: 'ignore' });
  procs.push(nginx);

  const node = (args) => new Promise((resolve) => {
    const p = spawn(process.execPath, [join(HERE, 'tls-client.mjs'), ...args], { env: { ...process.env, NODE_EXTRA_CA_CERTS: cert }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = ''; let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => resolve({ code, out, err }));
  });
  let up = false;
  for (let i = 0; i < 50 && !up; i += 1) {
    up = run('curl', ['-fsS', '--cacert', cert, `${base}/api/health`]).status === 0;
    if (!up) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(up, `nginx answers over TLS:\n${existsSync(`${S}/var/log/nginx/error.log`) ? readFileSync(`${S}/var/log/nginx/error.log`, 'utf8') : ''}`);
  // Plain HTTP: the loopback metrics location for a local Prometheus; everything else is redirected.
  assert.match(ok('curl', ['-fsS', `http://127.0.0.1:${httpPort}/metrics`]), /^connect_http_requests_total\{/m);
  // Mozilla's intermediate profile: TLS 1.2 and 1.3 with forward-secret suites; a static-RSA suite,
  // which curl itself would still offer, is refused.
  for (const v of ['1.2', '1.3']) ok('curl', ['-fsS', '-o', '/dev/null', '--cacert', cert, `--tlsv${v}`, '--tls-max', v, `${base}/api/health`]);
  const rsa = run('curl', ['-sS', '-o', '/dev/null', '--cacert', cert, '--tls-max', '1.2', '--ciphers', 'AES128-SHA', `${base}/api/health`]);
  assert.notEqual(rsa.status, 0, 'a suite without forward secrecy is refused');
  const weakOk = run('curl', ['-sS', '-o', '/dev/null', '--cacert', cert, '--tls-max', '1.2', '--ciphers', 'ECDHE-RSA-AES128-GCM-SHA256', `${base}/api/health`]);
  assert.equal(weakOk.status, 0, 'the same curl connects with an intermediate suite');

  // Sign in and write from four clients; take a backup (as connect, from the installed connectctl) meanwhile.
  const backup = `${S}/var/backups/connect/drill`;
  const load = await node(['load', base, `http://127.0.0.1:${httpPort}`, 'dtc.user', password,
    JSON.stringify(asConnect([`${S}/usr/sbin/connectctl`, '--data', data, 'backup', backup]))]);
  assert.equal(load.code, 0, `the HTTPS client:\n${load.err}\n${connectd.log()}`);
  const result = JSON.parse(load.out);
  assert.equal(result.backup.status, 0, result.backup.stderr);
  console.log(`cases acknowledged before the backup began: ${result.before.length}; in flight: ${result.inflight.length}; after: ${result.after.length}`);

  // The scheduler took its first backup at start, checked it and recorded it for the metrics.
  const last = JSON.parse(readFileSync(`${S}/var/backups/connect/last.json`, 'utf8'));
  assert.equal(last.ok, true);
  assert.ok(existsSync(`${S}/var/backups/connect/${last.name}/data.mdb`));

  // Restore into an empty data folder (the drill), then serve it: every acknowledged case is there.
  assert.equal(await stopProcess(connectd.p), 0, connectd.log());
  const restored = `${S}/var/lib/connect-restored`;
  if (AS_ROOT) { mkdirSync(restored, { mode: 0o700 }); ok('chown', ['connect:connect', restored]); }
  const t0 = Date.now();
  const rs = ctl(['restore', backup, '--data', restored]);
  assert.equal(rs.status, 0, rs.stderr);
  assert.match(rs.stdout, /check ok/);
  console.log(`restore with check: ${Date.now() - t0} ms`);
  const again = await startConnectd(env, restored);
  const ids = [...result.before, ...result.inflight, ...result.after];
  const verify = await node(['verify', base, 'dtc.user', password, result.code, JSON.stringify(ids)]);
  assert.equal(verify.code, 0, verify.err);
  const { found, missing } = JSON.parse(verify.out);
  for (const id of result.before) assert.ok(found.includes(id), `case ${id}, acknowledged before the backup began, is in the restored store`);
  // The copy is one snapshot: the writes that went on after it (up to 300 ms past its end) are not in it.
  assert.ok(missing.length > 0 && missing.every((id) => result.after.includes(id) || result.inflight.includes(id)), `missing: ${missing}`);
  assert.equal(await stopProcess(again.p), 0, again.log());
  await stopProcess(nginx);
});
