// The connectd processes of one data folder, read from /proc (for the tests that kill some of them).
import { readFileSync, readdirSync } from 'node:fs';

/** connectd processes serving `data`: {master, children[]} (children: workers and the mail sender). */
export function connectdProcs(data) {
  const procs = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (!cmd[0].endsWith('connectd') || !cmd.includes(data)) continue;
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ');
      if (stat[0] === 'Z') continue; // a zombie holds nothing and serves nothing
      procs.push({ pid: Number(d), ppid: Number(stat[1]) });
    } catch { /* gone meanwhile */ }
  }
  const pids = new Set(procs.map((p) => p.pid));
  const master = procs.find((p) => !pids.has(p.ppid));
  return { master: master?.pid, children: procs.filter((p) => p !== master).map((p) => p.pid) };
}

/** True while process `pid` exists and is not a zombie. */
export function alive(pid) {
  try { return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0] !== 'Z'; } catch { return false; }
}
