/* global document, window, EventSource, fetch */
// Progressive enhancement for the server-rendered dashboard; every page works without it.
// - the Port field follows the TLS box (80 / 443) while it holds a default;
// - forms with data-confirm ask in a modal <dialog> before they are sent;
// - on a page with data-service, health updates live from /dashboard/events (SSE).
'use strict';

(function () {
  const live = document.getElementById('live-status');
  const announce = (text) => { if (live) live.textContent = text; };

  // TLS ↔ port default, as the API itself defaults it (80, or 443 with use_ssl).
  const ssl = document.getElementById('f-use_ssl');
  const port = document.getElementById('f-port');
  if (ssl && port) {
    const sync = () => {
      port.placeholder = ssl.checked ? '443' : '80';
      if (port.value === '80' || port.value === '443') port.value = ssl.checked ? '443' : '80';
    };
    sync();
    ssl.addEventListener('change', () => { sync(); announce('Port default is now ' + (ssl.checked ? '443' : '80')); });
  }

  // Confirmation in a modal dialog: focus starts on the safe choice, Escape cancels. The
  // message's first line is the question (the dialog's name), the others explain it.
  function confirmDialog(message, actionLabel, onConfirm) {
    const dialog = document.createElement('dialog');
    dialog.className = 'confirm';
    dialog.setAttribute('aria-labelledby', 'confirm-title');
    dialog.setAttribute('aria-describedby', 'confirm-text');
    const [question, ...rest] = message.split('\n');
    const title = document.createElement('h2');
    title.id = 'confirm-title';
    title.textContent = question;
    const text = document.createElement('div');
    text.id = 'confirm-text';
    for (const line of rest) {
      const p = document.createElement('p');
      p.textContent = line;
      text.append(p);
    }
    const buttons = document.createElement('div');
    buttons.className = 'form-actions';
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'btn btn-quiet';
    cancel.textContent = 'Cancel';
    const ok = document.createElement('button');
    ok.type = 'button';
    ok.className = /delete/i.test(actionLabel) ? 'btn btn-danger' : 'btn btn-primary';
    ok.textContent = actionLabel;
    buttons.append(ok, cancel);
    dialog.append(title, text, buttons);
    document.body.append(dialog);
    cancel.addEventListener('click', () => dialog.close());
    ok.addEventListener('click', () => { dialog.close(); onConfirm(); });
    dialog.addEventListener('close', () => dialog.remove());
    dialog.showModal();
    cancel.focus();
  }

  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (event) => {
      if (form.dataset.confirmed === 'yes') return;
      event.preventDefault();
      const button = form.querySelector('button[type=submit]');
      const label = button ? button.textContent.trim() : 'Confirm';
      confirmDialog(form.dataset.confirm, label, () => {
        form.dataset.confirmed = 'yes';
        let field = form.querySelector('input[name=confirm]');
        if (!field) {
          field = document.createElement('input');
          field.type = 'hidden';
          field.name = 'confirm';
          form.append(field);
        }
        field.value = 'yes';
        form.submit();
      });
    });
  }

  // After a failed save, move focus to the list of errors so screen readers hear it first.
  const summary = document.getElementById('error-summary');
  if (summary) summary.focus();

  // Live health: refresh the health cells on every flip, and every few seconds for the strips.
  const sid = document.body.dataset.service;
  if (!sid) return;
  const base = '/dashboard/services/' + encodeURIComponent(sid);
  let pending = false;
  async function refresh() {
    if (pending) return;
    pending = true;
    try {
      const res = await fetch(base + '/health', { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (!res.ok) return;
      const fragments = await res.json();
      const byBackend = new Map();
      for (const [key, markup] of Object.entries(fragments)) {
        const name = key.split('|')[0];
        byBackend.set(name, (byBackend.get(name) || '') + markup);
      }
      for (const row of document.querySelectorAll('tr[data-backend]')) {
        const markup = byBackend.get(row.dataset.backend);
        const cell = row.querySelector('.health-col .health-cells');
        // Fragments are rendered and escaped by the server.
        if (markup !== undefined && cell) cell.innerHTML = markup;
      }
    } finally {
      pending = false;
    }
  }
  if (window.EventSource) {
    const events = new EventSource('/dashboard/events?service_id=' + encodeURIComponent(sid));
    events.addEventListener('health', (event) => {
      const e = JSON.parse(event.data);
      const names = e.backends.filter((b) => b.service_id === sid).map((b) => b.name.replace(/^F_/, ''));
      if (e.cause !== 'start') announce(names.join(', ') + ' is now ' + (e.healthy ? 'healthy' : 'sick') + ' in ' + e.pop);
      refresh();
    });
  }
  window.setInterval(() => { if (!document.hidden) refresh(); }, 5000);
})();
