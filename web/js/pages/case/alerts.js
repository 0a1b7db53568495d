// The case page's Alerts tab: every alert of the case, open and cleared, with "Accept".
import { h, replaceChildren } from '../../dom.js';
import { alertTable } from '../../alert-table.js';

/** The Alerts tab. */
export function drawAlerts(panel, cx) {
  if (cx.alerts === null) {
    replaceChildren(panel, cx.panelHeading('Alerts'),
      h('p', { class: 'body field-error', id: 'alerts-error' }, `The alerts could not be loaded. ${cx.alertsError || ''}`));
    return;
  }
  const list = cx.alerts;
  replaceChildren(panel, cx.panelHeading('Alerts'),
    h('p', { class: 'body body--secondary' }, cx.council
      ? 'Alerts from the Home Office about this case, newest first. Accept one once you have read it.'
      : 'Alerts from the council about this case, newest first. Accept one once you have dealt with it.'),
    list.length
      ? alertTable(list, {
        user: cx.user, caption: `${list.length} ${list.length === 1 ? 'alert' : 'alerts'} on this case`, id: 'case-alerts-table',
        showCase: false, showState: true,
        onAccepted: () => cx.activityChanged('The alert has been accepted.'),
      })
      : h('p', { class: 'body', id: 'no-case-alerts' }, 'There are no alerts on this case.'));
}
