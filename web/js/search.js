import { getJson } from './api.js';
import { clock, el, words } from './format.js';

const RMA_ID = /^[A-Za-z0-9_-]{1,64}$/;

// Search by EPC / serial, RMA or SKU; shows the item (and its chain of custody), the RMA's items or the SKU's items
// in the drawer. Each lookup is a bounded API call (see docs/decisions/item-search.md); a query that cannot be an id
// of that kind is not sent as one.
// Which search is the latest: a slow one (a SKU asks every location) that answers after a newer one is dropped.
let latestSearch = 0;

export async function search(query, { showDrawer, openItem }) {
  const q = query.trim();
  if (!q) return;
  const mine = ++latestSearch;
  const current = () => mine === latestSearch;
  const show = content => { if (current()) showDrawer(content); };
  show(el('p', { class: 'muted', text: `Searching ${q}…` }));
  try {
    if (!q.includes('/') && q.length <= 128) {
      const item = await getJson(`/api/items/${encodeURIComponent(q)}`) ?? await getJson(`/api/items/${encodeURIComponent(q.toUpperCase())}`);
      if (item) { if (current()) await openItem(item); return; }
    }
    if (RMA_ID.test(q)) {
      const rma = await getJson(`/api/rmas/${encodeURIComponent(q)}`);
      if (rma) {
        const found = await getJson(`/api/items?rma=${encodeURIComponent(rma.rmaId)}&limit=200`);
        show(rmaView(rma, found, openItem));
        return;
      }
    }
    if (q.length <= 64) {
      const found = await getJson(`/api/items?sku=${encodeURIComponent(q)}`);
      if (found?.items?.length) { show(listView(`SKU ${q}`, found, openItem)); return; }
    }
    show(el('p', { class: 'muted', text: `No item, RMA or SKU on the floor matches “${q}”.` }));
  } catch (error) {
    show(el('p', { class: 'error', text: `Search failed: ${error.message}` }));
  }
}

export async function itemView(item, highlighted) {
  let history = [];
  try { history = (await getJson(`/api/items/${encodeURIComponent(item.itemId)}/history`)) ?? []; } catch { /* optional */ }
  if (!Array.isArray(history)) history = history.events ?? [];
  const field = (label, value) => (value == null || value === '' ? null : el('div', { class: 'field' }, el('dt', { text: label }), el('dd', { text: String(value) })));
  return el('div', { class: 'item-view', 'data-item': item.itemId },
    el('h2', { text: item.itemId }),
    el('p', {}, el('span', { class: `pill st-${item.status}`, text: words(item.status) }),
      highlighted ? el('span', { class: 'muted', text: ' · highlighted on the map' }) : null),
    el('dl', {}, field('SKU', item.sku), field('RMA', item.rmaId), field('Warehouse', item.warehouse), field('Location', item.location),
      field('Grade', item.grade), field('Disposition', item.disposition), field('Reason', item.reasonCode), field('Channel', item.channel),
      field('EPC URI', item.epcUri), field('Transfer', item.transferId)),
    el('h3', { text: 'History' }),
    history.length ? el('ol', { class: 'timeline' }, ...history.slice().reverse().map(e => el('li', {},
      el('span', { class: 'when muted', text: `${new Date(e.at).toLocaleDateString()} ${clock(e.at)}` }),
      el('b', { text: words(e.type) }),
      el('span', { text: [e.location, e.after && words(e.after)].filter(Boolean).join(' · ') }),
      el('span', { class: 'muted', text: e.actor ? `${e.actor.kind ?? ''} ${e.actor.id ?? ''}`.trim() : '' }))))
      : el('p', { class: 'muted', text: 'No history available.' }));
}

function rmaView(rma, found, openItem) {
  const lines = rma.lines ?? [];
  return el('div', { class: 'rma-view', 'data-rma': rma.rmaId },
    el('h2', { text: `RMA ${rma.rmaId}` }),
    el('p', {}, el('span', { class: 'pill', text: words(rma.status) }),
      el('span', { class: 'muted', text: ` ${[rma.orderReference, rma.channel, `expected at ${rma.expectedWarehouse}`].filter(Boolean).join(' · ')}` })),
    el('h3', { text: 'Lines' }),
    el('ul', { class: 'result-list' }, ...lines.map(line => el('li', {},
      el('b', { text: line.line.sku }),
      el('span', { class: 'muted', text: ` ${line.received} of ${line.line.quantity} received · ${words(line.line.reasonCode)}` })))),
    el('h3', { text: 'Items' }),
    found?.items?.length ? itemList(found, openItem) : el('p', { class: 'muted', text: 'No unit received or announced yet.' }));
}

function listView(title, found, openItem) {
  return el('div', {}, el('h2', { text: title }), itemList(found, openItem));
}

function itemList(found, openItem) {
  return el('div', {},
    el('ul', { class: 'result-list' }, ...found.items.map(i => el('li', { 'data-result': i.itemId },
      el('button', { class: 'link mono', type: 'button', text: i.itemId, onclick: () => openItem(i) }),
      el('span', { class: `pill st-${i.status}`, text: words(i.status) }),
      el('span', { class: 'muted', text: [i.warehouse, i.location].filter(Boolean).join(' / ') })))),
    found.truncated ? el('p', { class: 'muted', text: `Showing the first ${found.items.length}; narrow the search to see the rest.` }) : null);
}
