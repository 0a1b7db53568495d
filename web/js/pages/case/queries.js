// The case page's Queries tab: every query on the case (each links to its page) and "New query".
import { api } from '../../api.js';
import { h, replaceChildren } from '../../dom.js';
import { queryTable } from '../../query-table.js';
import { newQueryForm } from '../../query-form.js';
import { closedNote, isClosed } from './common.js';

export function drawQueries(panel, cx) {
  // A closed case takes no new query (422 case_closed): its note stands where the form would open.
  const closed = isClosed(cx);
  const add = closed ? null : h('button', { type: 'button', class: 'button button--secondary', id: 'new-query', 'aria-expanded': 'false', 'aria-controls': 'new-query-form' }, 'New query');
  const formArea = h('div', {});
  const closeForm = () => { replaceChildren(formArea); add.setAttribute('aria-expanded', 'false'); };
  if (add) add.addEventListener('click', () => {
    if (add.getAttribute('aria-expanded') === 'true') { closeForm(); return; }
    add.setAttribute('aria-expanded', 'true');
    const form = newQueryForm({
      council: cx.council,
      onCancel: () => { closeForm(); add.focus(); },
      submit: async (body) => {
        cx.setStatus('');
        await api.post(`${cx.base}/queries`, body);
        const to = cx.council ? 'the Home Office' : 'the council';
        await cx.activityChanged(`Your query has been sent to ${to}.`);
      },
    });
    replaceChildren(formArea, form);
    form.querySelector('select').focus();
  });

  let list;
  if (cx.queries === null) {
    list = h('p', { class: 'body field-error', id: 'queries-error' }, `The queries could not be loaded. ${cx.queriesError || ''}`);
  } else if (!cx.queries.length) {
    list = h('p', { class: 'body', id: 'no-case-queries' }, 'There are no queries on this case.');
  } else {
    const n = cx.queries.length;
    list = queryTable(cx.queries, { user: cx.user, caption: `${n} ${n === 1 ? 'query' : 'queries'} on this case, newest first`, id: 'case-queries-table', showCase: false });
  }
  replaceChildren(panel, cx.panelHeading('Queries', add), closedNote(cx, 'queries'), formArea, list);
}
