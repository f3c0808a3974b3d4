'use strict';
/*
 * The compliance console: a client of the compliance API and nothing else. Every figure it shows comes from an API
 * call made with the signed-in token, which the gateway authorises and audits like any other client's; the console
 * decides nothing the API does not (no validation of its own: the API's problem "detail" is shown next to the field
 * it names). The token lives in this closure only: never in storage, a cookie or the URL.
 */
(() => {
  const IDLE_MINUTES = 15;
  const STATES = { AwaitingApproval: 'Awaiting approval', AwaitingDisclosure: 'Awaiting disclosure',
    Disclosed: 'Disclosed', Rejected: 'Rejected', Cancelled: 'Cancelled' };
  const AUDIT_PAGE = 50;
  const $ = (id) => document.getElementById(id);

  /** The signed-in caller: {token, tokenId, role}, or null. */
  let session = null;
  let idleTimer = null;
  let auditPages = [];
  let lastAudit = null;

  class ApiError extends Error {
    constructor(status, problem) {
      super(problem.detail || `HTTP ${status}`);
      this.status = status;
      this.problem = problem;
    }
  }

  /** One API call with the session's token; a non-2xx answer is thrown as its problem. */
  async function api(path, options = {}) {
    if (!session) throw new ApiError(401, { detail: 'you are signed out', title: 'Signed out' });
    const headers = { Authorization: `Bearer ${session.token}`, Accept: options.accept || 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, { method: options.method || 'GET', headers, cache: 'no-store',
      credentials: 'omit', redirect: 'error', referrerPolicy: 'no-referrer',
      body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    if (!response.ok) {
      let problem;
      try {
        problem = await response.json();
      } catch (e) {
        problem = { status: response.status, detail: `the gateway answered ${response.status}` };
      }
      throw new ApiError(response.status, problem);
    }
    return response;
  }

  // ---- small DOM helpers (no HTML is ever assigned: text only) ----

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k === 'onclick') e.addEventListener('click', v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  const pad = (n) => String(n).padStart(2, '0');

  /** A time in the reader's locale, with its UTC value on hover and for assistive technology. */
  function time(iso) {
    if (!iso) return document.createTextNode('—');
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return document.createTextNode(iso);
    const utc = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} `
      + `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
    return el('time', { datetime: iso, title: utc,
      text: d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }) });
  }

  /** A number masked as the gateway's logs mask it (+4790***000), unless the reader asked to see it in full. */
  function number(text, full) {
    if (full || typeof text !== 'string') return text;
    // A run of 7..15 digits standing on its own (not the fraction of a time, not part of an id).
    return text.replace(/(?<![\w.:-])\+?\d{7,15}(?![\w.:-])/g,
      (n) => n.slice(0, Math.min(5, n.length - 3)) + '***' + n.slice(-3));
  }

  function setStatus(text) {
    $('status').textContent = text || '';
  }

  // ---- problems next to their fields ----

  function clearErrors(form) {
    for (const p of form.querySelectorAll('[data-error-for]')) p.textContent = '';
    for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  }

  /**
   * Shows an API refusal: its detail next to the input its "field" names (per fieldMap), else in the general place;
   * focus goes to the field so a keyboard or screen-reader user lands on it.
   */
  function showProblem(error, general, form, fieldMap) {
    if (!(error instanceof ApiError)) {
      general.textContent = `The gateway could not be reached: ${error.message}`;
      return;
    }
    const p = error.problem;
    const words = p.detail || p.title || `HTTP ${error.status}`;
    if (error.status === 401 && session && session.tokenId) {
      signOut(`The gateway no longer accepts your token (${words}). Sign in again.`);
      return;
    }
    const inputId = form && fieldMap ? fieldMap[p.field] : null;
    if (inputId) {
      const input = $(inputId);
      form.querySelector(`[data-error-for="${inputId}"]`).textContent = words;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    } else {
      general.textContent = p.title && p.detail ? `${p.title}: ${p.detail}` : words;
    }
  }

  // ---- session ----

  function resetIdle() {
    if (!session) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => signOut(`You were signed out after ${IDLE_MINUTES} minutes without activity.`),
      IDLE_MINUTES * 60 * 1000);
  }

  async function signIn(event) {
    event.preventDefault();
    const form = $('signin-form');
    clearErrors(form);
    const token = $('signin-token').value.trim();
    session = { token, tokenId: null, role: null };
    try {
      const me = await (await api('/v1/whoami')).json();
      session = { token, tokenId: me.tokenId, role: me.role };
    } catch (e) {
      session = null;
      showProblem(e, $('signin-token-error'));
      $('signin-token').setAttribute('aria-invalid', 'true');
      $('signin-token').focus();
      return;
    }
    $('signin-token').value = '';
    $('who').textContent = `Signed in as ${session.tokenId} (${session.role.replace('-', ' ')})`;
    $('sign-out').hidden = false;
    for (const li of $('nav').querySelectorAll('li')) {
      li.hidden = !li.dataset.role.split(' ').includes(session.role);
    }
    $('nav').hidden = false;
    setStatus('');
    resetIdle();
    const home = session.role === 'auditor' ? '#/audit' : '#/requests';
    if (location.hash === home) route(); else location.hash = home;
  }

  /** Forgets the token and everything shown with it. */
  function signOut(why) {
    session = null;
    clearTimeout(idleTimer);
    auditPages = [];
    lastAudit = null;
    for (const tbody of document.querySelectorAll('tbody')) tbody.replaceChildren();
    for (const id of ['request-details', 'request-actions', 'verify-result', 'chain-result', 'integrity-result']) {
      $(id).replaceChildren();
      $(id).className = $(id).className.replace(/\b(ok|bad)\b/g, '').trim();
    }
    for (const form of document.querySelectorAll('form')) {
      form.reset();
      clearErrors(form);
    }
    for (const p of document.querySelectorAll('.form-error, .hint')) p.textContent = '';
    $('who').textContent = '';
    $('sign-out').hidden = true;
    $('nav').hidden = true;
    setStatus(why || 'You are signed out.');
    if (location.hash !== '#/signin') location.hash = '#/signin'; else route();
  }

  // ---- routing ----

  const VIEWS = ['signin', 'requests', 'new', 'request', 'verify', 'audit', 'checks'];

  function show(view) {
    for (const v of VIEWS) $(`view-${v}`).hidden = v !== view;
    for (const a of $('nav').querySelectorAll('a')) {
      if (a.getAttribute('href') === `#/${view}`) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    const heading = $(`view-${view}`).querySelector('h1');
    document.title = `${heading.textContent} — Ebb compliance console`;
    heading.focus();
  }

  function route() {
    const [, view, id] = (location.hash || '#/signin').split('/');
    if (!session) {
      show('signin');
      $('signin-token').focus();
      return;
    }
    switch (view) {
      case 'requests': show('requests'); loadRequests(); break;
      case 'new': show('new'); break;
      case 'request': show('request'); loadRequest(decodeURIComponent(id || '')); break;
      case 'verify': show('verify'); break;
      case 'audit': show('audit'); if (!lastAudit) loadAudit(0); break;
      case 'checks': show('checks'); break;
      default: location.hash = session.role === 'auditor' ? '#/audit' : '#/requests';
    }
  }

  // ---- requests ----

  function selectorText(selector, full) {
    return Object.entries(selector || {}).map(([k, v]) => `${k} ${k === 'msisdn' ? number(v, full) : v}`)
      .join(', ');
  }

  async function loadRequests(event) {
    if (event) event.preventDefault();
    const form = $('requests-filter');
    clearErrors(form);
    $('requests-error').textContent = '';
    const state = $('requests-state').value;
    const tbody = $('requests-table').querySelector('tbody');
    try {
      const list = await (await api('/v1/requests' + (state ? `?state=${encodeURIComponent(state)}` : ''))).json();
      const full = session.role === 'compliance-officer';
      tbody.replaceChildren(...list.map((r) => el('tr', {},
        el('td', {}, el('a', { href: `#/request/${encodeURIComponent(r.id)}`, text: r.authorisation.reference })),
        el('td', { text: STATES[r.task.state] || r.task.state }),
        el('td', { class: 'wrap', text: selectorText(r.task.selector, full) }),
        el('td', {}, time(r.createdAt)),
        el('td', { text: r.createdBy }))));
      if (list.length === 0) {
        tbody.append(el('tr', {}, el('td', { colspan: '5', text: 'No requests.' })));
      }
    } catch (e) {
      showProblem(e, $('requests-error'), form, { state: 'requests-state' });
    }
  }

  const NEW_FIELDS = { 'X-Case-Reference': 'new-reference', caseReference: 'new-reference',
    'authorisation.reference': 'new-reference', 'X-Legal-Basis': 'new-legal', legalBasis: 'new-legal',
    'authorisation.legalType': 'new-legal', 'timespan.start': 'new-start', from: 'new-start',
    'timespan.end': 'new-end', to: 'new-end', msisdn: 'new-value', messageId: 'new-value', customer: 'new-value',
    task: 'new-value', role: 'new-role' };

  /** A datetime-local value (the reader's local time) as an instant; as typed if it is not one. */
  function instant(local) {
    if (!local) return null;
    const d = new Date(local);
    return Number.isNaN(d.getTime()) ? local : d.toISOString();
  }

  async function createRequest(event) {
    event.preventDefault();
    const form = $('new-form');
    clearErrors(form);
    $('new-error').textContent = '';
    const kind = form.querySelector('input[name=kind]:checked').value;
    const task = { [kind]: $('new-value').value.trim() };
    if (kind === 'msisdn') task.role = $('new-role').value;
    const authorisation = { reference: $('new-reference').value, legalType: $('new-legal').value,
      timespan: { start: instant($('new-start').value), end: instant($('new-end').value) } };
    try {
      const created = await (await api('/v1/requests', { method: 'POST', body: { authorisation, task } })).json();
      form.reset();
      setStatus(`Request opened for case ${created.authorisation.reference}.`);
      location.hash = `#/request/${encodeURIComponent(created.id)}`;
    } catch (e) {
      showProblem(e, $('new-error'), form, NEW_FIELDS);
    }
  }

  function toggleRole() {
    $('new-role-field').hidden = $('new-form').querySelector('input[name=kind]:checked').value !== 'msisdn';
  }

  /** A file name from the case reference: letters, digits, dot, dash and underscore only. */
  function fileName(caseReference, what) {
    const safe = String(caseReference).normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');
    return `case-${safe || 'unnamed'}-${what}.json`;
  }

  function save(text, name) {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = el('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  async function loadRequest(id) {
    const details = $('request-details');
    const actions = $('request-actions');
    $('request-error').textContent = '';
    $('request-hint').textContent = '';
    details.replaceChildren();
    actions.replaceChildren();
    $('history-table').querySelector('tbody').replaceChildren();
    let r;
    try {
      r = await (await api(`/v1/requests/${encodeURIComponent(id)}`)).json();
    } catch (e) {
      showProblem(e, $('request-error'));
      return;
    }
    const officer = session.role === 'compliance-officer';
    const a = r.authorisation;
    const t = r.task;
    $('request-title').textContent = `Request for case ${a.reference}`;
    const row = (term, value) => [el('dt', { text: term }), el('dd', {}, value)];
    details.append(
      ...row('State', el('strong', { id: 'request-state', text: STATES[t.state] || t.state })),
      ...row('Case reference', a.reference),
      ...row('Legal basis', a.legalType),
      ...row('From', time(a.timespan.start)),
      ...row('Until', time(a.timespan.end)),
      ...row('Selector', selectorText(t.selector, officer)),
      ...row('Records expected', String(t.expectedRecords)),
      ...row('Records disclosed', `${t.disclosedRecords} in ${t.pagesDelivered} page${t.pagesDelivered === 1 ? '' : 's'}`),
      ...row('Opened', el('span', {}, time(r.createdAt), ` by ${r.createdBy}`)),
      ...row('Four eyes', a.approvalRequired
        ? (a.approvedBy ? `approved by ${a.approvedBy}` : a.rejectedBy ? `rejected by ${a.rejectedBy}`
          : 'a second officer must approve it') : 'not needed (under the threshold)'));
    if (officer) {
      const mine = r.createdBy === session.tokenId;
      if (t.state === 'AwaitingApproval') {
        $('request-hint').textContent = mine
          ? 'You opened this request: a second compliance officer must approve or reject it. You may cancel it.'
          : 'This request waits for a second officer: you may approve or reject it.';
        actions.append(el('button', { type: 'button', id: 'approve', text: 'Approve',
          onclick: () => decide(r, 'approve') }));
        actions.append(el('button', { type: 'button', id: 'reject', class: 'secondary', text: 'Reject',
          onclick: () => decide(r, 'reject') }));
      }
      if (t.state === 'AwaitingDisclosure') {
        actions.append(el('button', { type: 'button', id: 'download-delivery',
          text: t.pagesDelivered === 0 ? 'Download the delivery' : `Download delivery page ${t.pagesDelivered + 1}`,
          onclick: () => deliver(r) }));
      }
      if (t.state === 'AwaitingDisclosure' || t.state === 'Disclosed') {
        actions.append(el('button', { type: 'button', id: 'download-export', class: 'secondary',
          text: 'Download the export package', onclick: () => exportPages(r) }));
      }
      if (!['Disclosed', 'Rejected', 'Cancelled'].includes(t.state)) {
        actions.append(el('button', { type: 'button', id: 'cancel', class: 'secondary', text: 'Cancel the request',
          onclick: () => decide(r, 'cancel') }));
      }
    }
    loadHistory(r.id, officer);
  }

  async function loadHistory(id, full) {
    const tbody = $('history-table').querySelector('tbody');
    try {
      const entries = await (await api(`/v1/requests/${encodeURIComponent(id)}/history`)).json();
      tbody.replaceChildren(...entries.map((e) => el('tr', {},
        el('td', { text: String(e.sequence) }),
        el('td', {}, time(e.time)),
        el('td', { text: e.event.action.replace('REQUEST_', '').toLowerCase() }),
        el('td', { text: e.event.outcome.toLowerCase() }),
        el('td', { text: e.event.tokenId || 'no valid token' }),
        el('td', { class: 'wrap', text: number(reasonOrResult(e.event), full) }))));
    } catch (e) {
      showProblem(e, $('request-error'));
    }
  }

  function reasonOrResult(event) {
    if (event.reason) return event.reason;
    const parts = Object.entries(event.result || {}).filter(([, v]) => v !== '').map(([k, v]) => `${k} ${v}`);
    if (event.recordsDisclosed) parts.push(`${event.recordsDisclosed} records disclosed`);
    return parts.join(', ');
  }

  async function decide(r, verb) {
    $('request-error').textContent = '';
    try {
      const after = await (await api(`/v1/requests/${encodeURIComponent(r.id)}/${verb}`, { method: 'POST' })).json();
      setStatus(`Request for case ${after.authorisation.reference} is now ${STATES[after.task.state]}.`);
      await loadRequest(r.id);
    } catch (e) {
      showProblem(e, $('request-error'));
      $(verb).focus();
      // The refusal is in the request's history now: show it there too.
      loadHistory(r.id, true);
    }
  }

  async function deliver(r) {
    $('request-error').textContent = '';
    const token = r.task.nextContinuation;
    try {
      const response = await api(`/v1/requests/${encodeURIComponent(r.id)}/delivery`
        + (token ? `?continuation=${encodeURIComponent(token)}` : ''));
      const text = await response.text();
      const page = JSON.parse(text).header.page;
      const name = fileName(r.authorisation.reference, `delivery-page-${page}`);
      save(text, name);
      setStatus(`Saved ${name}. Check it on the "Verify a file" page.`);
      await loadRequest(r.id);
    } catch (e) {
      showProblem(e, $('request-error'));
    }
  }

  async function exportPages(r) {
    $('request-error').textContent = '';
    let continuation = null;
    let page = 1;
    try {
      do {
        const response = await api(`/v1/requests/${encodeURIComponent(r.id)}/export`
          + (continuation ? `?continuation=${encodeURIComponent(continuation)}` : ''));
        const text = await response.text();
        continuation = JSON.parse(text).continuation;
        save(text, fileName(r.authorisation.reference, `export-page-${page}`));
        page++;
      } while (continuation);
      setStatus(`Saved ${page - 1} export page${page === 2 ? '' : 's'} of case ${r.authorisation.reference}.`);
      await loadRequest(r.id);
    } catch (e) {
      showProblem(e, $('request-error'));
    }
  }

  // ---- verify a file ----

  const VERDICTS = {
    verified: ['ok', 'Verified: this file is exactly what this gateway signed.',
      'The signature was made with this gateway\'s delivery key, and not one character of the header, the case '
      + 'reference or the records has changed since it was signed. It proves who handed the file over and that it '
      + 'is complete as handed over. It does not by itself prove that the records are in the traffic store: the '
      + 'inclusion proofs of an export package do that.'],
    changed: ['bad', 'Not valid: the file has been changed since it was signed.',
      'Its contents no longer match the digest the gateway signed: something in the header, the case reference '
      + 'or the records was altered, added or removed. Do not rely on it; download it again.'],
    'other-key': ['bad', 'Not valid: this gateway did not sign this file.',
      'The file is signed with another key than this gateway\'s delivery key. It may come from another gateway, '
      + 'or someone signed it themselves.'],
    'bad-signature': ['bad', 'Not valid: the signature is broken.',
      'The file names this gateway\'s key, but its signature does not verify with it: the signature was altered.'],
    'no-ed25519': ['bad', 'This browser cannot check the signature.',
      'It has no Ed25519 in its Web Crypto. Use a current browser, or check the file with SignedJson.verifies '
      + 'against the key this gateway publishes at /v1/keys/delivery.'],
    'not-signed': ['bad', 'This is not a signed file from Ebb.',
      'It has no integrity member with a digest and a signature: it is not a delivery or an export package.'],
    'not-json': ['bad', 'This is not a delivery or an export package.', 'The file is not JSON.'],
  };

  async function verifyFile(event) {
    event.preventDefault();
    const form = $('verify-form');
    clearErrors(form);
    const out = $('verify-result');
    out.replaceChildren();
    out.className = 'result';
    const file = $('verify-file').files[0];
    if (!file) {
      $('verify-file-error').textContent = 'Choose a file first.';
      $('verify-file').setAttribute('aria-invalid', 'true');
      $('verify-file').focus();
      return;
    }
    let key;
    try {
      key = await (await api('/v1/keys/delivery')).json();
    } catch (e) {
      showProblem(e, $('verify-file-error'));
      return;
    }
    const result = await EbbVerify.check(await file.text(), key);
    const [tone, headline, explanation] = VERDICTS[result.outcome];
    out.className = `result ${tone}`;
    out.append(el('h2', { id: 'verify-verdict', text: headline }),
      el('p', { text: explanation }));
    if (result.what) out.append(el('p', { text: `The file: ${file.name}, ${result.what.words}.` }));
    if (result.fingerprint) {
      out.append(el('p', { class: 'wrap', text: `This gateway's delivery key, SHA-256 ${result.fingerprint}.` }));
    }
  }

  // ---- auditor: audit log and checks ----

  const AUDIT_FIELDS = { case: 'audit-case', actor: 'audit-actor', from: 'audit-from' };

  async function loadAudit(from) {
    const form = $('audit-filter');
    clearErrors(form);
    $('audit-error').textContent = '';
    const params = new URLSearchParams({ from: String(from), limit: String(AUDIT_PAGE) });
    if ($('audit-case').value) params.set('case', $('audit-case').value);
    if ($('audit-actor').value) params.set('actor', $('audit-actor').value);
    try {
      const text = await (await api(`/v1/audit?${params}`, { accept: 'application/x-ndjson' })).text();
      const lines = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
      const summary = lines.pop().summary;
      lastAudit = { from, entries: lines, next: summary.next };
      renderAudit();
    } catch (e) {
      showProblem(e, $('audit-error'), form, AUDIT_FIELDS);
    }
  }

  function renderAudit() {
    if (!lastAudit) return;
    const full = $('audit-numbers').checked;
    const tbody = $('audit-table').querySelector('tbody');
    tbody.replaceChildren(...lastAudit.entries.map((e) => {
      const ev = e.event;
      const criteria = Object.entries(ev.criteria).map(([k, v]) => `${k}=${v}`).join(', ');
      return el('tr', {},
        el('td', { text: String(e.sequence) }),
        el('td', {}, time(e.time)),
        el('td', { text: ev.action }),
        el('td', { text: ev.outcome }),
        el('td', { text: ev.tokenId ? `${ev.tokenId} (${ev.role})` : `no valid token, ${ev.clientAddress || ''}` }),
        el('td', { text: ev.caseReference || '—' }),
        el('td', { class: 'wrap', text: number(criteria, full) }),
        el('td', { class: 'wrap', text: number(reasonOrResult(ev), full) }));
    }));
    if (lastAudit.entries.length === 0) {
      tbody.append(el('tr', {}, el('td', { colspan: '8', text: 'No entries.' })));
    }
    $('audit-next').disabled = lastAudit.next === null || lastAudit.next === undefined;
    $('audit-previous').disabled = auditPages.length === 0;
  }

  async function verifyChain() {
    const out = $('chain-result');
    $('chain-error').textContent = '';
    out.replaceChildren();
    try {
      const r = await (await api('/v1/audit/verify')).json();
      out.className = `result ${r.ok ? 'ok' : 'bad'}`;
      out.append(el('p', { id: 'chain-verdict', text: r.ok
        ? `The chain is whole: all ${r.entriesChecked} entries are unchanged and in their order.`
        : `The chain is broken at line ${r.firstProblem.line}: ${r.firstProblem.detail}.` }),
      el('p', { class: 'wrap', text: `Last hash ${r.lastHash}.` }));
    } catch (e) {
      showProblem(e, $('chain-error'));
    }
  }

  async function checkIntegrity(event) {
    event.preventDefault();
    const form = $('integrity-form');
    clearErrors(form);
    $('integrity-error').textContent = '';
    const out = $('integrity-result');
    out.replaceChildren();
    const params = new URLSearchParams();
    if ($('integrity-from').value) params.set('from', $('integrity-from').value);
    if ($('integrity-to').value) params.set('to', $('integrity-to').value);
    try {
      const r = await (await api(`/v1/integrity/verify${params.size ? `?${params}` : ''}`)).json();
      out.className = `result ${r.ok ? 'ok' : 'bad'}`;
      out.append(el('p', { id: 'integrity-verdict', text: r.ok
        ? `Intact: ${r.recordsChecked} records in ${r.daysChecked} days from ${r.from} to ${r.to} match their `
          + 'signed tree heads.'
        : `Not intact: ${r.firstProblem.kind} on ${r.firstProblem.day}: ${r.firstProblem.detail}` }));
    } catch (e) {
      showProblem(e, $('integrity-error'), form, { from: 'integrity-from', to: 'integrity-to' });
    }
  }

  // ---- wiring ----

  document.addEventListener('DOMContentLoaded', () => {
    $('signin-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', () => signOut('You signed out; the console has forgotten your token.'));
    $('requests-filter').addEventListener('submit', loadRequests);
    $('new-form').addEventListener('submit', createRequest);
    for (const r of $('new-form').querySelectorAll('input[name=kind]')) r.addEventListener('change', toggleRole);
    $('verify-form').addEventListener('submit', verifyFile);
    $('audit-filter').addEventListener('submit', (e) => {
      e.preventDefault();
      auditPages = [];
      loadAudit($('audit-from').value.trim() || '0');
    });
    $('audit-next').addEventListener('click', () => {
      auditPages.push(lastAudit.from);
      loadAudit(lastAudit.next);
    });
    $('audit-previous').addEventListener('click', () => loadAudit(auditPages.pop()));
    $('audit-numbers').addEventListener('change', renderAudit);
    $('chain-verify').addEventListener('click', verifyChain);
    $('integrity-form').addEventListener('submit', checkIntegrity);
    for (const type of ['keydown', 'pointerdown', 'wheel', 'touchstart']) {
      document.addEventListener(type, resetIdle, { passive: true });
    }
    window.addEventListener('hashchange', route);
    route();
  });
})();
