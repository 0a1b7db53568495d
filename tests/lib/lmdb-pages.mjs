// Reads an LMDB data.mdb (0.9 format, 4 KiB pages, 64-bit, no DUPSORT databases: Connect's store) to say
// where bytes lie: on a page no tree reaches (a free page), in the unused middle of a live leaf or
// branch page (between its node pointers and its nodes), in use (a key, a value, a node pointer), or
// on a live overflow page. The retention test uses it to check what a destruction and its scrub leave.
const PS = 4096;
const P_BRANCH = 1; const P_LEAF = 2;
const F_BIGDATA = 1; const F_SUBDATA = 2;

/** Page number -> {db, flags} for every page reachable from the newest meta page. */
export function livePages(buf) {
  const meta = (i) => {
    const off = i * PS + 16;
    const db = (d) => ({ root: buf.readBigUInt64LE(off + 24 + d * 48 + 40) });
    return { txnid: buf.readBigUInt64LE(off + 24 + 96 + 8), free: db(0), main: db(1) };
  };
  const m0 = meta(0); const m1 = meta(1);
  const m = m0.txnid > m1.txnid ? m0 : m1;
  const owner = new Map([[0, { db: 'meta', flags: 8 }], [1, { db: 'meta', flags: 8 }]]);
  const walk = (root, db) => {
    if (root === 0xffffffffffffffffn) return;
    const stack = [Number(root)];
    while (stack.length) {
      const p = stack.pop(); const base = p * PS;
      const flags = buf.readUInt16LE(base + 10);
      owner.set(p, { db, flags });
      const lower = buf.readUInt16LE(base + 12);
      for (let i = 0; i < (lower - 16) / 2; i += 1) {
        const at = base + buf.readUInt16LE(base + 16 + 2 * i);
        const lo = buf.readUInt16LE(at); const hi = buf.readUInt16LE(at + 2);
        const nflags = buf.readUInt16LE(at + 4); const ksize = buf.readUInt16LE(at + 6);
        if (flags & P_BRANCH) { stack.push(lo + hi * 65536 + nflags * 2 ** 32); continue; }
        const data = at + 8 + ksize;
        if (nflags & F_BIGDATA) {
          const ov = Number(buf.readBigUInt64LE(data));
          const count = buf.readUInt32LE(ov * PS + 12);
          for (let q = ov; q < ov + count; q += 1) owner.set(q, { db, flags: 4 });
        } else if ((nflags & F_SUBDATA) && db === 'main') {
          walk(buf.readBigUInt64LE(data + 40), buf.subarray(at + 8, at + 8 + ksize).toString('latin1'));
        }
      }
    }
  };
  walk(m.free.root, 'free-list');
  walk(m.main.root, 'main');
  return owner;
}

/** Every occurrence of each needle: {needle, page, offset, db, where: 'free'|'gap'|'used'|'overflow'}. */
export function locate(buf, needles) {
  const owner = livePages(buf);
  const hits = [];
  for (const needle of needles) {
    const b = Buffer.from(needle, 'latin1');
    for (let i = buf.indexOf(b); i >= 0; i = buf.indexOf(b, i + 1)) {
      const page = Math.floor(i / PS); const offset = i % PS;
      const o = owner.get(page);
      let where = 'free';
      if (o && (o.flags & (P_LEAF | P_BRANCH))) {
        const lower = buf.readUInt16LE(page * PS + 12); const upper = buf.readUInt16LE(page * PS + 14);
        where = offset >= lower && offset + b.length <= upper ? 'gap' : 'used';
      } else if (o) where = 'overflow';
      hits.push({ needle, page, offset, db: o?.db ?? null, where });
    }
  }
  return hits;
}
