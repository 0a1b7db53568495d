// A confirmation step inside the page: a modal <dialog> (never window.confirm).
import { h } from './dom.js';

/** confirmDialog({title, body, confirmLabel, danger}) -> Promise<boolean> */
export function confirmDialog({ title, body, confirmLabel = 'Confirm', cancelLabel = 'Cancel', danger = false }) {
  const opener = document.activeElement;
  return new Promise((resolve) => {
    const titleId = 'confirm-title';
    const bodyId = 'confirm-body';
    const yes = h('button', { type: 'button', class: ['button', danger && 'button--warning'], value: 'yes', id: 'confirm-yes' }, confirmLabel);
    const no = h('button', { type: 'button', class: 'button button--secondary', value: 'no', id: 'confirm-no' }, cancelLabel);
    const dialog = h('dialog', { class: 'dialog', id: 'confirm-dialog', 'aria-labelledby': titleId, 'aria-describedby': bodyId },
      h('h2', { class: 'heading-m', id: titleId }, title),
      h('p', { class: 'body', id: bodyId }, body),
      h('div', { class: 'button-group' }, yes, no));
    let answer = false;
    yes.addEventListener('click', () => { answer = true; dialog.close(); });
    no.addEventListener('click', () => { answer = false; dialog.close(); });
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}
