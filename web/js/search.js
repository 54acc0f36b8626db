import { getJson } from './api.js';
import { clock, el, words } from './format.js';

// Search by EPC / serial, RMA or SKU; shows the item (and its chain of custody) in the drawer.
export async function search(query, { showDrawer, openItem }) {
  const q = query.trim();
  if (!q) return;
  showDrawer(el('p', { class: 'muted', text: `Searching ${q}…` }));
  try {
    const item = await getJson(`/api/items/${encodeURIComponent(q.toUpperCase())}`) ?? await getJson(`/api/items/${encodeURIComponent(q)}`);
    if (item) { await openItem(item); return; }
    const rma = await getJson(`/api/rmas/${encodeURIComponent(q)}`);
    if (rma) { showDrawer(rmaView(rma, openItem)); return; }
    const bySku = await getJson(`/api/items?sku=${encodeURIComponent(q)}`);
    const list = Array.isArray(bySku) ? bySku : bySku?.items;
    if (list?.length) { showDrawer(listView(`SKU ${q}`, list, openItem)); return; }
    showDrawer(el('p', { class: 'muted', text: `No item, RMA or SKU matches “${q}”.` }));
  } catch (error) {
    showDrawer(el('p', { class: 'error', text: `Search failed: ${error.message}` }));
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

function rmaView(rma, openItem) {
  const lines = rma.lines ?? [];
  return el('div', {}, el('h2', { text: `RMA ${rma.rmaId ?? rma.id ?? ''}` }),
    el('p', { class: 'muted', text: [rma.orderReference, rma.channel, rma.expectedWarehouse].filter(Boolean).join(' · ') }),
    el('ul', { class: 'result-list' }, ...lines.map(line => el('li', {},
      el('b', { text: line.sku ?? '' }), el('span', { text: ` × ${line.quantity ?? 1} ` }),
      (line.epc ?? line.serial) ? el('button', { class: 'link', type: 'button', text: line.epc ?? line.serial, onclick: () => openItem({ itemId: line.epc ?? line.serial }) }) : null))));
}

function listView(title, items, openItem) {
  return el('div', {}, el('h2', { text: title }), el('ul', { class: 'result-list' }, ...items.map(i => el('li', {},
    el('button', { class: 'link', type: 'button', text: i.itemId, onclick: () => openItem(i) }),
    el('span', { class: 'muted', text: ` ${words(i.status)} · ${i.warehouse ?? ''} ${i.location ?? ''}` })))));
}
