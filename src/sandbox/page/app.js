// SIMULATION page: looks like a Slack channel; every message, Home tab and modal here is Coxswain's real Block Kit,
// and every click goes to Coxswain as a signed Slack request (the sandbox server builds and signs it).
import { mrkdwn, renderBlocks, viewValues } from './blockkit.js';

const CHIPS = [
  '/deploy api staging',
  '/deploy billing staging',
  '/deploy',
  '/deploy-status',
  '/rollback billing staging',
  '/deploy search staging',
  '/deploy api production',
];
const $ = (id) => document.getElementById(id);
let state = { version: -1, messages: [], channels: [], users: {}, home: null, modal: null };
let where = { kind: 'channel', id: 'C0DEPLOYS' };
let openThread = null;
let renderedModal = '';

async function post(path, body) {
  const res = await fetch(`/sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.json();
}

const ctx = (extra = {}) => ({
  users: state.users,
  onAction: (a) => post('action', { ...a, channel: where.kind === 'channel' ? where.id : undefined, ...extra }),
  ...extra,
});

function nameOf(id) {
  return state.users[id] ?? id;
}

function messageEl(m, { inThread = false } = {}) {
  const row = document.createElement('div');
  row.className = `msg${m.ephemeralFor ? ' ephemeral' : ''}`;
  row.dataset.ts = m.ts;
  const bot = m.user === 'U0BOT';
  const avatar = document.createElement('div');
  avatar.className = `avatar${bot ? '' : ' user'}`;
  avatar.textContent = bot ? '⛵' : nameOf(m.user).slice(0, 1).toUpperCase();
  const body = document.createElement('div');
  body.className = 'msg-body';
  const time = new Date(Number(m.ts.split('.')[0]) * 1000).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
  });
  body.innerHTML = `<div class="msg-meta"><b>${bot ? 'Coxswain' : nameOf(m.user)}</b>${bot ? '<span class="app-tag">APP</span>' : ''}${time}${m.ephemeralFor ? ' <span class="ephemeral-tag">Only visible to you</span>' : ''}${m.edited ? '<span class="edited">(edited)</span>' : ''}</div>`;
  const extra = { ts: m.ts, channel: m.channel };
  if (m.blocks?.length) body.append(renderBlocks(m.blocks, ctx(extra)));
  else {
    const t = document.createElement('div');
    t.className = 'bk-text';
    t.innerHTML = mrkdwn(m.text, state.users);
    body.append(t);
  }
  if (!inThread) {
    const replies = state.messages.filter((r) => r.threadTs === m.ts && r.channel === m.channel);
    if (replies.length > 0) {
      const r = document.createElement('div');
      r.className = 'replies';
      const a = document.createElement('a');
      a.textContent = `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`;
      a.addEventListener('click', () => {
        openThread = { channel: m.channel, ts: m.ts };
        render();
      });
      r.append(a);
      body.append(r);
    }
  }
  row.append(avatar, body);
  return row;
}

function renderNav() {
  const nav = $('channels');
  nav.innerHTML = '';
  for (const c of state.channels.filter((c) => c.id.startsWith('C'))) {
    const a = document.createElement('a');
    a.href = '#';
    a.className = `nav-item${where.kind === 'channel' && where.id === c.id ? ' active' : ''}`;
    a.textContent = `# ${c.name}`;
    a.dataset.channel = c.id;
    a.addEventListener('click', (e) => {
      e.preventDefault();
      where = { kind: 'channel', id: c.id };
      openThread = null;
      render();
    });
    nav.append(a);
  }
  document.querySelector('[data-app="coxswain"]').classList.toggle('active', where.kind === 'app');
}

function renderMessages(channel) {
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  box.innerHTML = '';
  const top = state.messages.filter((m) => m.channel === channel && !m.threadTs);
  if (top.length === 0)
    box.innerHTML =
      '<div class="empty">Nothing here yet. Type a command below, e.g. <code>/deploy api staging</code>.</div>';
  for (const m of top) box.append(messageEl(m));
  if (atBottom) box.scrollTop = box.scrollHeight;
}

function renderThread() {
  const pane = $('thread');
  pane.hidden = !openThread;
  if (!openThread) return;
  const parent = state.messages.find((m) => m.ts === openThread.ts && m.channel === openThread.channel);
  const body = $('thread-body');
  const keep = body.scrollTop;
  body.innerHTML = '';
  if (!parent) return;
  body.append(messageEl(parent, { inThread: true }));
  const replies = state.messages.filter((m) => m.threadTs === parent.ts && m.channel === parent.channel);
  const div = document.createElement('div');
  div.className = 'thread-divider';
  div.textContent = `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`;
  body.append(div);
  for (const r of replies) body.append(messageEl(r, { inThread: true }));
  body.scrollTop = keep;
}

function renderModal() {
  const m = state.modal;
  const key = m ? `${m.id}:${m.hash}:${JSON.stringify(m.errors ?? {})}` : '';
  if (key === renderedModal) return;
  const sameView = m && renderedModal.startsWith(`${m.id}:${m.hash}:`);
  renderedModal = key;
  if (sameView) {
    // Only the errors changed: keep what was typed and picked, as Slack does.
    for (const e of document.querySelectorAll('#modal-body .bk-error')) e.remove();
    for (const [blockId, text] of Object.entries(m.errors ?? {})) {
      const wrap = document.querySelector(`#modal-body .bk-inputblock[data-block-id="${CSS.escape(blockId)}"]`);
      const div = document.createElement('div');
      div.className = 'bk-error';
      div.textContent = text;
      wrap?.append(div);
    }
    return;
  }
  $('overlay').hidden = !m;
  if (!m) return;
  const v = m.view;
  $('modal-title').textContent = v.title?.text ?? '';
  $('modal-close').textContent = v.close?.text ?? 'Close';
  $('modal-submit').textContent = v.submit?.text ?? '';
  $('modal-submit').hidden = !v.submit;
  const body = $('modal-body');
  body.innerHTML = '';
  body.append(
    renderBlocks(v.blocks, {
      users: state.users,
      errors: m.errors ?? {},
      onAction: (a) => post('action', { ...a, viewId: m.id, values: viewValues(body) }),
    }),
  );
}

function render() {
  renderNav();
  const app = where.kind === 'app';
  $('app-tabs').hidden = !app;
  for (const t of document.querySelectorAll('.tab')) t.classList.toggle('active', app && t.dataset.tab === where.tab);
  const home = app && where.tab === 'home';
  $('home').hidden = !home;
  $('messages').hidden = home;
  $('composer').hidden = home;
  if (app) $('main-header').textContent = '⛵ Coxswain';
  else $('main-header').textContent = `# ${state.channels.find((c) => c.id === where.id)?.name ?? where.id}`;
  if (home) {
    const h = $('home');
    h.innerHTML = '';
    if (state.home)
      h.append(
        renderBlocks(state.home.view.blocks, {
          users: state.users,
          onAction: (a) => post('action', { ...a, viewId: state.home.id }),
        }),
      );
    else h.innerHTML = '<div class="empty">Opening the Home tab…</div>';
  } else renderMessages(app ? 'D0YOU' : where.id);
  renderThread();
  renderModal();
}

async function poll() {
  try {
    const next = await (await fetch('/sandbox/state')).json();
    if (next.version !== state.version) {
      state = next;
      render();
    }
  } catch {
    // The sandbox may be restarting; try again.
  }
  setTimeout(poll, 400);
}

$('command-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const input = $('command');
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  await post('command', { channel: where.kind === 'channel' ? where.id : 'D0YOU', text });
});
for (const chip of CHIPS) {
  const b = document.createElement('button');
  b.className = 'chip';
  b.type = 'button';
  b.textContent = chip;
  b.addEventListener('click', () => {
    $('command').value = chip;
    $('command').focus();
  });
  $('chips').append(b);
}
document.querySelector('[data-app="coxswain"]').addEventListener('click', (e) => {
  e.preventDefault();
  where = { kind: 'app', tab: 'home' };
  openThread = null;
  render();
  post('home', {});
});
for (const t of document.querySelectorAll('.tab')) {
  t.addEventListener('click', () => {
    where = { kind: 'app', tab: t.dataset.tab };
    render();
    if (t.dataset.tab === 'home') post('home', {});
  });
}
$('close-thread').addEventListener('click', () => {
  openThread = null;
  render();
});
const closeModal = () => post('close', {});
$('modal-close').addEventListener('click', closeModal);
$('modal-x').addEventListener('click', closeModal);
$('modal-submit').addEventListener('click', async () => {
  await post('submit', { values: viewValues($('modal-body')) });
});
poll();
