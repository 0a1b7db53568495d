// #/reports/performance — performance monitoring, a page of its own under Reports (everyone who sees
// cases, and the Network): the period and filters, the figures, the charts and their downloads
// (../performance.js). The Home Office's council choices come from GET /api/home's by_council.
import { api } from '../api.js';
import { h } from '../dom.js';
import { isHomeOffice } from '../labels.js';
import { performancePanel } from '../performance.js';

export async function renderPerformance(section, ctx) {
  let homeData = null;
  if (isHomeOffice(ctx.user)) {
    try { homeData = await api.get('/api/home'); } catch (error) { if (error.handled) throw error; homeData = null; }
    if (!ctx.isCurrent()) return;
  }
  const panel = await performancePanel(ctx, { homeData });
  if (!ctx.isCurrent()) return;
  // The page's heading is the panel's ("Performance monitoring", "– every council" for the Network):
  // said once, as the h1.
  const inner = panel.querySelector('#performance-heading');
  const title = inner ? inner.textContent : 'Performance monitoring';
  if (inner) inner.remove();
  section.append(
    h('nav', { class: 'breadcrumbs', 'aria-label': 'Breadcrumb' },
      h('ol', { class: 'breadcrumbs__list' },
        h('li', { class: 'breadcrumbs__item' }, h('a', { href: '#/reports', class: 'link', id: 'performance-back' }, 'Reports')),
        h('li', { class: 'breadcrumbs__item', 'aria-current': 'page' }, 'Performance monitoring'))),
    h('h1', { class: 'heading-l', id: 'performance-heading' }, title),
    h('p', { class: 'body' }, 'Cases, referrals, spend and closures for a period, with the filters you choose.'),
    panel);
}
