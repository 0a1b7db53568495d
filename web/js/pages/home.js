// Home: the counters of the user's work (../home-counters.js), their overdue and due-today items
// (../home-todo.js),
// who is signed in, and where to go next.
import { h } from '../dom.js';
import { accountRows } from '../account.js';
import {
  isAdmin, isNetworkAdmin, canSeeCases, canUseDisclosures, canEditCases, canUseRtpf, canSeePerformance, canDownloadReports, canSeeSla,
} from '../labels.js';
import { homeCounters } from '../home-counters.js';
import { homeTodo } from '../home-todo.js';

export async function renderHome(section, ctx) {
  const user = ctx.user;
  const org = user.org || {};
  const cards = [];
  if (canSeeCases(user)) {
    cards.push(
      h('li', { class: 'card' },
        h('h3', { class: 'card__title' }, h('a', { href: '#/cases', class: 'link card__link', id: 'home-search-cases' }, 'Search cases')),
        h('p', { class: 'card__text' }, canEditCases(user)
          ? 'Find a case by name, date of birth, Connect ID or Home Office reference – and create one if there is none.'
          : 'Find any council’s case by name, date of birth, Connect ID or Home Office reference.')),
      h('li', { class: 'card' },
        h('h3', { class: 'card__title' }, h('a', { href: '#/my-cases', class: 'link card__link', id: 'home-my-cases' }, 'My cases')),
        h('p', { class: 'card__text' }, 'The cases allocated to you.')));
  }
  if (canUseRtpf(user)) {
    cards.push(h('li', { class: 'card' },
      h('h3', { class: 'card__title' }, h('a', { href: '#/rtpf', class: 'link card__link', id: 'home-rtpf' }, 'RTPF checker')),
      h('p', { class: 'card__text' }, 'Check a person’s immigration status and recourse to public funds by a document and their date of birth.')));
  }
  if (canSeePerformance(user)) {
    cards.push(h('li', { class: 'card' },
      h('h3', { class: 'card__title' }, h('a', { href: '#/reports', class: 'link card__link', id: 'home-reports' }, 'Reports')),
      h('p', { class: 'card__text' }, [
        'Performance monitoring: referrals, closures, spend and open cases by month.',
        canDownloadReports(user) ? 'Download the finance, referrals and resolution reports as Excel or CSV.' : '',
        canSeeSla(user) ? 'See how many alerts and queries were answered within their service level, by quarter.' : '',
      ].filter(Boolean).join(' '))));
  }
  if (canUseDisclosures(user)) {
    cards.push(h('li', { class: 'card' },
      h('h3', { class: 'card__title' }, h('a', { href: '#/disclosures', class: 'link card__link', id: 'home-disclosures' }, 'Disclosure requests')),
      h('p', { class: 'card__text' }, 'Ask for, countersign and answer requests for personal data under the data-sharing agreement.')));
  }
  cards.push(
    h('li', { class: 'card' },
      h('h3', { class: 'card__title' }, h('a', { href: '#/profile', class: 'link card__link' }, 'My profile')),
      h('p', { class: 'card__text' }, 'See your account details and change your password.')));
  if (isAdmin(user)) {
    cards.push(h('li', { class: 'card' },
      h('h3', { class: 'card__title' }, h('a', { href: '#/users', class: 'link card__link' }, 'User accounts')),
      h('p', { class: 'card__text' }, isNetworkAdmin(user)
        ? 'Add councils and manage the user accounts of any organisation.'
        : `Add, unlock and remove user accounts for ${org.name || 'your organisation'}, and reset their passwords.`)));
  }

  if (canSeeCases(user)) {
    cards.splice(2, 0,
      h('li', { class: 'card' },
        h('h3', { class: 'card__title' }, h('a', { href: '#/alerts', class: 'link card__link', id: 'home-alerts' }, 'Alerts')),
        h('p', { class: 'card__text' }, 'Alerts addressed to you, to read and accept.')),
      h('li', { class: 'card' },
        h('h3', { class: 'card__title' }, h('a', { href: '#/queries', class: 'link card__link', id: 'home-queries' }, 'Queries')),
        h('p', { class: 'card__text' }, 'Queries waiting for your reply.')));
  }
  // A to-do list first: the counters, then the user's own overdue and due-today items. Performance
  // monitoring has its own page under Reports.
  const [counters, todo] = await Promise.all([homeCounters(ctx), canSeeCases(user) ? homeTodo(ctx) : null]);
  if (!ctx.isCurrent()) return;

  section.append(
    h('span', { class: 'caption' }, org.name || ''),
    h('h1', { class: 'heading-l', id: 'home-heading' }, `Welcome, ${user.name || user.username}`),
    counters,
    todo,
    h('div', { class: 'columns' },
      h('div', { class: 'columns__main' },
        h('h2', { class: 'heading-m' }, 'Your account'),
        h('dl', { class: 'summary-list', id: 'home-summary' }, ...accountRows(user))),
      h('div', { class: 'columns__side' },
        h('h2', { class: 'heading-m' }, 'What you can do'),
        h('ul', { class: 'cards' }, cards))));
}
