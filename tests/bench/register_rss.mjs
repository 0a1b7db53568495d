// Peak memory of a worker for a large register upload (issue 13, item 7): starts the stack with one
// worker, uploads a valid register CSV of about MB megabytes (default 60) as the HO admin, and prints
// the worker's VmHWM (peak resident set) before and after, and the answer.
//   cd tests && node bench/register_rss.mjs [MB]
import { readFileSync, readdirSync } from 'node:fs';
import { startStack } from '../lib/stack.mjs';
import { signIn } from '../lib/http.mjs';
import { REGISTER_HEADER } from '../lib/rtpf.mjs';

const mb = Number(process.argv[2] ?? 60);
const TYPES = ['passport', 'national_id', 'brp', 'ukvi_account', 'share_code'];

function registerCsv(bytes) {
  const parts = [REGISTER_HEADER, '\n'];
  let size = REGISTER_HEADER.length + 1;
  for (let i = 0; size < bytes; i++) {
    const row = `${TYPES[i % 5]},BIG${String(i).padStart(10, '0')},1980-0${1 + (i % 9)}-1${i % 10},Given ${i % 997},`
      + `Family ${i % 991},Nationality ${i % 50},ltr_nrpf,true,2027-03-31,false\n`;
    parts.push(row);
    size += row.length;
  }
  return parts.join('');
}

function workerPids(data) {
  const procs = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (!cmd[0].endsWith('connectd') || !cmd.includes(data)) continue;
      const ppid = Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      procs.push({ pid: Number(d), ppid });
    } catch { /* gone */ }
  }
  const pids = new Set(procs.map((p) => p.pid));
  const master = procs.find((p) => !pids.has(p.ppid));
  return procs.filter((p) => p !== master).map((p) => p.pid);
}

const status = (pid, key) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${key}:\\s+(\\d+)`))[1]);

const stack = await startStack({ env: { WORKERS: '1', THREADS: '8' } });
try {
  const ho = await signIn(stack.base, 'ho.admin');
  const csv = registerCsv(mb << 20);
  const pids = workerPids(stack.data);
  const before = Object.fromEntries(pids.map((p) => [p, status(p, 'VmHWM')]));
  const t0 = Date.now();
  const r = await ho.req('PUT', '/api/rtpf/register', { raw: csv, headers: { 'content-type': 'text/csv' } });
  const secs = (Date.now() - t0) / 1000;
  console.log(`upload of ${(csv.length / 1048576).toFixed(1)} MB: ${r.status} ${r.text.slice(0, 200)} in ${secs.toFixed(1)} s`);
  for (const p of pids) {
    console.log(`pid ${p}: VmHWM before ${(before[p] / 1024).toFixed(0)} MB, after ${(status(p, 'VmHWM') / 1024).toFixed(0)} MB (VmRSS now ${(status(p, 'VmRSS') / 1024).toFixed(0)} MB)`);
  }
} finally {
  await stack.stop();
}
