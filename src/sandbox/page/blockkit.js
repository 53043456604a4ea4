// SIMULATION page: a small Block Kit renderer for the blocks Coxswain sends (section, fields, context, actions,
// header, divider, input; buttons and static selects; mrkdwn with links, mentions, dates, code and emoji).
// Plain browser ES module, served as is (no build step).

const EMOJI = {
  alarm_clock: '⏰',
  arrows_counterclockwise: '🔄',
  clipboard: '📋',
  construction: '🚧',
  gear: '⚙️',
  grey_question: '❔',
  hammer_and_wrench: '🛠️',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
  leftwards_arrow_with_hook: '↩️',
  lock: '🔒',
  new: '🆕',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  octagonal_sign: '🛑',
  package: '📦',
  raised_hand: '✋',
  red_circle: '🔴',
  repeat: '🔁',
  rewind: '⏪',
  rocket: '🚀',
  rotating_light: '🚨',
  sparkles: '✨',
  thread: '🧵',
  unlock: '🔓',
  warning: '⚠️',
  white_check_mark: '✅',
  x: '❌',
  eyes: '👀',
  tada: '🎉',
  mag: '🔍',
  wave: '👋',
  heavy_check_mark: '✔️',
  information_source: 'ℹ️',
  stopwatch: '⏱️',
  link: '🔗',
  calendar: '📅',
};

const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
// Slack text arrives with &amp; &lt; &gt; already escaped; keep those, escape anything else that is unsafe.
const safeText = (s) =>
  s
    .replace(/&(?!(amp|lt|gt);)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
const decode = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function safeUrl(url) {
  try {
    const u = new URL(decode(url), location.href);
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:' ? u.href : '#';
  } catch {
    return '#';
  }
}

function formatDate(epochSeconds, format, fallback) {
  const d = new Date(Number(epochSeconds) * 1000);
  if (Number.isNaN(d.getTime())) return fallback;
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (format.includes('{time}') && !format.includes('{date')) return format.replace('{time}', time);
  return `${d.toLocaleDateString()} ${time}`;
}

function angle(inner, users) {
  const [target, label] = [inner.split('|')[0], inner.includes('|') ? inner.slice(inner.indexOf('|') + 1) : undefined];
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `<span class="mention">@${escapeHtml(label ?? users[id] ?? id)}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return `<span class="mention">#${escapeHtml(label ?? users[`#${id}`] ?? id)}</span>`;
  }
  if (target.startsWith('!date^')) {
    const [, ts, fmt] = target.split('^');
    return `<span class="date" title="${escapeHtml(label ?? '')}">${escapeHtml(formatDate(ts, fmt ?? '{date}', label ?? ''))}</span>`;
  }
  if (target.startsWith('!')) return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
  return `<a href="${escapeHtml(safeUrl(target))}" target="_blank" rel="noopener">${safeText(label ?? target)}</a>`;
}

/** Slack mrkdwn → HTML. */
export function mrkdwn(text, users = {}) {
  const saved = [];
  const keep = (html) => `\uE000${saved.push(html) - 1}\uE000`;
  let s = String(text ?? '');
  s = s.replace(/```([\s\S]*?)```/g, (_, code) => keep(`<pre class="code">${safeText(code.replace(/^\n/, ''))}</pre>`));
  s = s.replace(/`([^`\n]+)`/g, (_, code) => keep(`<code>${safeText(code)}</code>`));
  s = s.replace(/<([^<>\n]+)>/g, (_, inner) => keep(angle(inner, users)));
  s = safeText(s);
  s = s.replace(/(^|[\s(>\uE000])\*([^*\n]+)\*(?=$|[\s).,:;!?\uE000])/g, '$1<b>$2</b>');
  s = s.replace(/(^|[\s(>\uE000])_([^_\n]+)_(?=$|[\s).,:;!?\uE000])/g, '$1<i>$2</i>');
  s = s.replace(/(^|[\s(>\uE000])~([^~\n]+)~(?=$|[\s).,:;!?\uE000])/g, '$1<s>$2</s>');
  s = s.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole);
  s = s.replace(/(^|\n)&gt; ?([^\n]*)/g, '$1<blockquote>$2</blockquote>').replace(/<\/blockquote>\n/g, '</blockquote>');
  s = s.replace(/\n/g, '<br>');
  return s.replace(/\uE000(\d+)\uE000/g, (_, i) => saved[Number(i)]);
}

function textHtml(t, users) {
  if (!t) return '';
  if (t.type === 'mrkdwn') return mrkdwn(t.text, users);
  return safeText(t.text ?? '').replace(/:([a-z0-9_+-]+):/g, (w, n) => (t.emoji === false ? w : (EMOJI[n] ?? w)));
}

function el(tag, cls, html) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (html !== undefined) e.innerHTML = html;
  return e;
}

function button(b, block, ctx) {
  const btn = el('button', `bk-button ${b.style ?? ''}`, textHtml(b.text, ctx.users));
  btn.dataset.actionId = b.action_id;
  if (b.url) {
    btn.addEventListener('click', () => window.open(safeUrl(b.url), '_blank', 'noopener'));
    return btn;
  }
  btn.addEventListener('click', () => {
    btn.disabled = true;
    ctx.onAction({ actionId: b.action_id, blockId: block.block_id, value: b.value }).finally(() => {
      btn.disabled = false;
    });
  });
  return btn;
}

function select(s, block, ctx, dispatch) {
  const sel = el('select', 'bk-select');
  sel.dataset.actionId = s.action_id;
  sel.dataset.blockId = block.block_id ?? '';
  const placeholder = el('option', '', safeText(s.placeholder?.text ?? 'Select…'));
  placeholder.value = '';
  sel.append(placeholder);
  for (const o of s.options ?? []) {
    const opt = el('option', '', safeText(o.text.text));
    opt.value = o.value;
    if (s.initial_option?.value === o.value) opt.selected = true;
    sel.append(opt);
  }
  if (dispatch) {
    sel.addEventListener('change', () => {
      if (sel.value) ctx.onAction({ actionId: s.action_id, blockId: block.block_id, selected: sel.value });
    });
  }
  return sel;
}

function element(e, block, ctx, dispatch) {
  if (e.type === 'button') return button(e, block, ctx);
  if (e.type === 'static_select') return select(e, block, ctx, dispatch);
  if (e.type === 'plain_text_input') {
    const input = el(e.multiline ? 'textarea' : 'input', 'bk-input');
    input.dataset.actionId = e.action_id;
    input.dataset.blockId = block.block_id ?? '';
    if (e.initial_value) input.value = e.initial_value;
    if (e.placeholder) input.placeholder = e.placeholder.text;
    return input;
  }
  return el('span', 'bk-unsupported', `[${safeText(e.type)}]`);
}

function block(b, ctx) {
  switch (b.type) {
    case 'section': {
      const sec = el('div', 'bk-section');
      const body = el('div', 'bk-section-body');
      if (b.text) body.append(el('div', 'bk-text', textHtml(b.text, ctx.users)));
      if (b.fields) {
        const grid = el('div', 'bk-fields');
        for (const f of b.fields) grid.append(el('div', 'bk-field', textHtml(f, ctx.users)));
        body.append(grid);
      }
      sec.append(body);
      if (b.accessory) sec.append(element(b.accessory, b, ctx, true));
      return sec;
    }
    case 'context': {
      const c = el('div', 'bk-context');
      for (const e of b.elements ?? []) c.append(el('span', '', e.type === 'image' ? '' : textHtml(e, ctx.users)));
      return c;
    }
    case 'actions': {
      const a = el('div', 'bk-actions');
      a.dataset.blockId = b.block_id ?? '';
      for (const e of b.elements ?? []) a.append(element(e, b, ctx, true));
      return a;
    }
    case 'header':
      return el('div', 'bk-header', textHtml(b.text, ctx.users));
    case 'divider':
      return el('hr', 'bk-divider');
    case 'input': {
      const wrap = el('div', 'bk-inputblock');
      wrap.dataset.blockId = b.block_id ?? '';
      const label = el(
        'label',
        'bk-label',
        `${textHtml(b.label, ctx.users)}${b.optional ? ' <span class="opt">(optional)</span>' : ''}`,
      );
      wrap.append(label, element(b.element, b, ctx, b.dispatch_action === true));
      if (b.hint) wrap.append(el('div', 'bk-hint', textHtml(b.hint, ctx.users)));
      const err = ctx.errors?.[b.block_id];
      if (err) wrap.append(el('div', 'bk-error', safeText(err)));
      return wrap;
    }
    default:
      return el('div', 'bk-unsupported', `[unsupported block: ${safeText(String(b.type))}]`);
  }
}

/** Renders a message's or view's blocks; `ctx`: { users, onAction, errors }. */
export function renderBlocks(blocks, ctx) {
  const root = el('div', 'bk');
  for (const b of blocks ?? []) root.append(block(b, ctx));
  return root;
}

/** view.state.values, as Slack sends them with a submission or an action on a view. */
export function viewValues(root) {
  const values = {};
  for (const input of root.querySelectorAll('[data-block-id][data-action-id]')) {
    const blockId = input.dataset.blockId;
    values[blockId] = values[blockId] ?? {};
    const v = values[blockId];
    if (input.tagName === 'SELECT') {
      v[input.dataset.actionId] = {
        type: 'static_select',
        selected_option: input.value ? { value: input.value } : null,
      };
    } else {
      v[input.dataset.actionId] = { type: 'plain_text_input', value: input.value };
    }
  }
  return values;
}
