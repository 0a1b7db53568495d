// The look-up log (admins of a council or the Home Office): who looked up which kind of document,
// when, and whether it matched. The number itself is never stored, only a keyed hash of it.
import { api } from '../api.js';
import { h, appendChildren } from '../dom.js';
import { formatDateTime } from '../format.js';
import { documentTypeLabel } from '../labels.js';

const PAGE_SIZE = 50;
const CODE_LENGTH = 12;

function matchedTag(matched) {
  return h('span', { class: `tag tag--${matched ? 'green' : 'grey'}` }, matched ? 'Yes' : 'No');
}

function table(list) {
  const items = Array.isArray(list.items) ? list.items : [];
  const total = Number.isInteger(list.total) ? list.total : items.length;
  const caption = `${total} ${total === 1 ? 'look-up' : 'look-ups'}`;
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'table', id: 'lookups-table' },
      h('caption', { class: 'table__caption' }, caption),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'When'),
        h('th', { scope: 'col' }, 'Who'),
        h('th', { scope: 'col' }, 'Document type'),
        h('th', { scope: 'col' }, 'Matched'),
        h('th', { scope: 'col' }, 'Document code'))),
      h('tbody', {}, items.map((l) => h('tr', { dataset: { lookupId: String(l.id) } },
        h('td', { dataset: { label: 'When' } }, formatDateTime(l.at)),
        h('td', { dataset: { label: 'Who' } }, (l.user && l.user.name) || h('span', { class: 'muted' }, 'A deleted user')),
        h('td', { dataset: { label: 'Document type' } }, documentTypeLabel(l.document_type)),
        h('td', { dataset: { label: 'Matched' } }, matchedTag(l.matched)),
        h('td', { dataset: { label: 'Document code' } }, h('code', { class: 'lookup-code' }, String(l.number_hash || '').slice(0, CODE_LENGTH))))))));
}

export async function renderLookups(section, ctx) {
  const me = ctx.user;
  const cursor = ctx.params.get('cursor') || '';
  const list = await api.get('/api/rtpf/lookups', { query: { limit: PAGE_SIZE, cursor } });
  if (!ctx.isCurrent()) return;
  const items = Array.isArray(list.items) ? list.items : [];
  const nav = [];
  if (cursor) nav.push(h('a', { href: '#/rtpf/lookups', class: 'link', id: 'first-page' }, 'Newest look-ups'));
  if (list.next_cursor) {
    nav.push(h('a', { href: `#/rtpf/lookups?${new URLSearchParams({ cursor: list.next_cursor })}`, class: 'link', id: 'next-page', rel: 'next' }, 'Older look-ups'));
  }
  appendChildren(section,
    h('span', { class: 'caption' }, (me.org && me.org.name) || ''),
    h('h1', { class: 'heading-l' }, 'Look-up log'),
    h('p', { class: 'body' }, `Every RTPF look-up made by ${(me.org && me.org.name) || 'your organisation'}, newest first.`),
    h('p', { class: 'body', id: 'code-explained' },
      'The document number is never kept. The document code is made from it by a one-way function, so the number cannot be read back – but the same document has the same code, so you can see when one document was looked up more than once.'),
    items.length ? table(list) : h('p', { class: 'body', id: 'no-lookups' }, cursor ? 'There are no older look-ups.' : 'No look-ups yet.'),
    nav.length ? h('nav', { class: 'pagination', 'aria-label': 'Pages of look-ups' }, nav) : null,
    h('p', { class: 'body' }, h('a', { href: '#/rtpf', class: 'link' }, 'Back to the RTPF checker')));
}
