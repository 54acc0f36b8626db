import { getJson } from './api.js';
import { clock, el, words } from './format.js';

// Backlog stages (item statuses waiting for work) in the order the work flows.
// How long a transfer the hub no longer lists as open may stay on the map (a missed "ended" delta), in ms.
const ENDED_AFTER_MS = 30_000;

const STAGES = [
  ['Received', 'receiving'], ['AwaitingInspection', 'inspection'], ['Graded', 'disposition'], ['Dispositioned', 'move'],
  ['InRepair', 'repair'], ['AwaitingVendor', 'vendor'], ['AwaitingLiquidation', 'liquidation'], ['AwaitingRecycling', 'recycle'],
  ['AwaitingScrap', 'scrap'], ['OnHold', 'hold'],
];

// A region: member warehouses with backlog bars per stage and transfers in transit drawn between them.
export class RegionPage {
  static async open(root, live, site, code) {
    const region = site.regions.find(r => r.code.toUpperCase() === code.toUpperCase());
    if (!region) throw new Error(`Unknown region ${code}`);
    const page = new RegionPage(root, region, site);
    page.loadExtras();
    page.timer = setInterval(() => page.loadExtras(), 15000);
    page.subscription = live.watch('region', region.code, {
      snapshot: s => page.applySnapshot(s),
      delta: d => page.applyDelta(d),
      error: e => { page.note.textContent = `Live feed: ${e.message ?? e}`; },
    });
    return page;
  }

  constructor(root, region, site) {
    this.region = region;
    this.site = site;
    this.summaries = new Map(region.warehouses.map(c => [c, { code: c, byStatus: {}, openAlerts: 0 }]));
    this.transfers = new Map();
    this.seen = new Map();
    this.backlog = null;
    this.cards = el('div', { class: 'wh-cards' });
    this.network = el('div', { class: 'network' });
    this.transferList = el('ul', { class: 'transfer-list' });
    this.note = el('span', { class: 'note muted' });
    root.replaceChildren(el('section', { class: 'region-page', 'data-region': region.code },
      el('div', { class: 'map-head' }, el('h1', {}, el('span', { class: 'code', text: region.code }), ` ${region.name}`), this.note),
      el('div', { class: 'region-grid' },
        el('div', { class: 'panel' }, el('h2', { text: 'Backlog by stage' }), this.cards),
        el('div', { class: 'panel' }, el('h2', { text: 'Transfers in transit' }), this.network, this.transferList))));
    this.render();
  }

  dispose() {
    clearInterval(this.timer);
    this.subscription?.close();
  }

  async loadExtras() {
    // The regional planner's endpoints may not be deployed: the page then works from live counts alone.
    let list = null;
    try {
      const backlog = await getJson(`/api/regions/${encodeURIComponent(this.region.code)}/backlog`);
      if (backlog) {
        this.backlog = normaliseBacklog(backlog);
        list = backlog.transfers ?? [];
      }
    } catch { /* optional */ }
    if (list) {
      const open = new Set();
      for (const t of list) {
        const id = t.transferId ?? t.id;
        const status = String(t.status ?? '');
        if (!id || ['Closed', 'Cancelled', 'Received'].includes(status)) continue;
        open.add(id);
        if (!this.transfers.has(id)) {
          this.transfers.set(id, { transferId: id, from: t.from ?? t.fromWarehouse, to: t.to ?? t.toWarehouse, status, itemCount: t.itemCount || t.quantity || 0, eta: t.eta ?? null });
          this.seen.set(id, Date.now());
        }
      }
      // The hub lists every open transfer of the region. One the map has shown for a while that the hub no longer lists
      // has ended although its live "ended" delta was missed (a reconnect, a gap): it leaves the map. (Not one just
      // heard of: the live event can reach the map a moment before the hub hears of the transfer.)
      const now = Date.now();
      for (const id of [...this.transfers.keys()]) {
        if (!open.has(id) && now - (this.seen.get(id) ?? 0) > ENDED_AFTER_MS) {
          this.transfers.delete(id);
          this.seen.delete(id);
        }
      }
    }
    this.render();
  }

  applySnapshot(s) {
    for (const w of s.warehouses) this.summaries.set(w.code, w);
    // A snapshot is the feed's whole view (the hub's open transfers included): what it no longer holds has ended.
    this.transfers = new Map(s.transfers.map(t => [t.transferId, t]));
    this.seen = new Map(s.transfers.map(t => [t.transferId, Date.now()]));
    this.note.textContent = '';
    this.render();
  }

  applyDelta(d) {
    for (const w of d.warehouses) this.summaries.set(w.code, w);
    for (const t of d.transfers) {
      this.transfers.set(t.transferId, t);
      this.seen.set(t.transferId, Date.now());
    }
    for (const id of d.transfersEnded) { this.transfers.delete(id); this.seen.delete(id); }
    this.render();
  }

  stageCounts(code) {
    const fromApi = this.backlog?.get(code);
    if (fromApi) return fromApi;
    const byStatus = this.summaries.get(code)?.byStatus ?? {};
    return STAGES.map(([status, label]) => ({ label, count: byStatus[status] ?? 0 }));
  }

  render() {
    const all = this.region.warehouses.map(code => ({ code, stages: this.stageCounts(code) }));
    const max = Math.max(1, ...all.flatMap(w => w.stages.map(s => s.count)));
    this.cards.replaceChildren(...all.map(({ code, stages }) => {
      const summary = this.summaries.get(code);
      const name = this.site.warehouses.find(w => w.code === code)?.name ?? '';
      return el('article', { class: 'wh-card', 'data-warehouse': code },
        el('header', {}, el('a', { href: `#/w/${code}`, class: 'code', text: code }), el('span', { class: 'muted', text: name }),
          summary?.openAlerts ? el('span', { class: 'badge hot', text: `${summary.openAlerts} alerts` }) : null),
        el('div', { class: 'bars' }, ...stages.map(s => el('div', { class: 'bar-row' },
          el('span', { class: 'label', text: s.label }),
          el('span', { class: 'bar' }, el('i', { style: `width:${(100 * s.count / max).toFixed(1)}%` })),
          el('span', { class: 'n', text: String(s.count) })))));
    }));
    this.renderNetwork();
  }

  renderNetwork() {
    const codes = this.region.warehouses;
    const transfers = [...this.transfers.values()];
    const others = [...new Set(transfers.flatMap(t => [t.from, t.to]).filter(c => c && !codes.includes(c)))];
    const nodes = [...codes, ...others];
    const width = 100;
    const height = 46;
    const pos = new Map(nodes.map((c, i) => [c, { x: 12 + (i * (width - 24)) / Math.max(1, nodes.length - 1), y: i % 2 ? 30 : 16 }]));
    if (nodes.length === 1) pos.set(nodes[0], { x: 50, y: 23 });
    const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, class: 'net', role: 'img', 'aria-label': 'Transfers between warehouses' });
    for (const lane of this.site.lanes) {
      const a = pos.get(lane.from); const b = pos.get(lane.to);
      if (a && b && lane.from < lane.to) svg.append(el('line', { class: 'lane', x1: a.x, y1: a.y, x2: b.x, y2: b.y }));
    }
    for (const t of transfers) {
      const a = pos.get(t.from); const b = pos.get(t.to);
      if (!a || !b) continue;
      const mx = (a.x + b.x) / 2; const my = (a.y + b.y) / 2 - 6;
      svg.append(el('path', { class: `transfer st-${t.status}`, d: `M ${a.x} ${a.y} Q ${mx} ${my} ${b.x} ${b.y}`, 'data-transfer': t.transferId },
        el('title', { text: `${t.transferId}: ${t.from} → ${t.to}, ${t.itemCount} items, ${t.status}` })));
      svg.append(el('text', { class: 'transfer-n', x: mx, y: my + 2.5, 'text-anchor': 'middle', text: String(t.itemCount) }));
    }
    for (const [code, p] of pos) {
      svg.append(el('g', { class: `wh-node${codes.includes(code) ? '' : ' outside'}` },
        el('circle', { cx: p.x, cy: p.y, r: 5 }), el('text', { x: p.x, y: p.y + 1.1, 'text-anchor': 'middle', text: code })));
    }
    this.network.replaceChildren(svg);
    this.transferList.replaceChildren(...(transfers.length ? transfers.map(t => el('li', { 'data-transfer': t.transferId },
      el('b', { text: `${t.from} → ${t.to}` }), el('span', { text: `${t.itemCount} items` }),
      el('span', { class: `pill st-${t.status}`, text: words(t.status) }),
      el('span', { class: 'muted', text: t.eta ? `ETA ${clock(t.eta)}` : '' }))) : [el('li', { class: 'muted calm', text: 'No transfers in transit' })]));
  }
}

/** Accepts the planner's backlog in a few plausible shapes: a map per warehouse of stage → count, or rows. */
function normaliseBacklog(json) {
  const rows = Array.isArray(json) ? json : json.warehouses ?? json.items ?? null;
  if (!Array.isArray(rows)) return null;
  const result = new Map();
  for (const row of rows) {
    const code = row.warehouse ?? row.code;
    if (!code) continue;
    const stages = row.stages ?? row.backlog ?? row.byStage;
    if (Array.isArray(stages)) result.set(code, stages.map(s => ({ label: words(s.stage ?? s.name), count: s.items ?? s.count ?? 0 })));
    else if (stages && typeof stages === 'object') result.set(code, Object.entries(stages).map(([k, v]) => ({ label: words(k), count: typeof v === 'number' ? v : v?.count ?? 0 })));
  }
  return result.size ? result : null;
}
