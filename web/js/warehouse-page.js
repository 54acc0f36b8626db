import { getJson } from './api.js';
import { FloorMap } from './floor-map.js';
import { agvColors, clock, el, severityRank, shortId, timeAgo, words, zoneColors } from './format.js';

const ACTIVE = ['Received', 'AwaitingInspection', 'Graded', 'Dispositioned', 'Stored', 'InRepair', 'AwaitingVendor',
  'AwaitingLiquidation', 'AwaitingRecycling', 'AwaitingScrap', 'OnHold'];

// One warehouse: the floor map, KPIs, alerts, AGVs and recent moves, kept live by a hub channel.
export class WarehousePage {
  static async open(root, live, code) {
    const warehouse = await getJson(`/api/warehouses/${encodeURIComponent(code)}/layout`);
    if (!warehouse) throw new Error(`Unknown warehouse ${code}`);
    const page = new WarehousePage(root, live, warehouse);
    page.subscription = live.watch('warehouse', warehouse.code, {
      snapshot: s => page.applySnapshot(s),
      delta: d => page.applyDelta(d),
      error: e => page.setNote(`Live feed: ${e.message ?? e}`),
    });
    return page;
  }

  constructor(root, live, warehouse) {
    this.warehouse = warehouse;
    this.alerts = new Map();
    this.agvs = new Map();
    this.tasks = new Map();
    this.moves = [];
    this.totals = {};
    this.dirty = new Set();
    this.renderPending = false;
    this.kpis = el('div', { class: 'kpis' });
    this.note = el('span', { class: 'note muted' });
    this.seq = el('span', { class: 'seq muted', title: 'Live feed epoch and sequence number' });
    const mapBox = el('div', { class: 'map', id: 'map' });
    this.alertList = el('ul', { class: 'alerts-list' });
    this.alertCount = el('span', { class: 'badge', text: '0' });
    this.agvList = el('ul', { class: 'agv-list' });
    this.moveList = el('ul', { class: 'move-list' });
    const legend = el('div', { class: 'legend' },
      ...Object.entries(zoneColors).filter(([type]) => warehouse.layout.zones.some(z => z.type === type))
        .map(([type, color]) => el('span', { class: 'key', style: `--c:${color}` }, words(type))),
      el('span', { class: 'key fill-key' }, 'location fill'),
      ...Object.entries(agvColors).filter(([s]) => s !== 'Unknown').map(([s, c]) => el('span', { class: 'key agv-key', style: `--c:${c}` }, `AGV ${words(s)}`)));
    root.replaceChildren(el('section', { class: 'wh-page', 'data-warehouse': warehouse.code },
      el('div', { class: 'map-wrap' },
        el('div', { class: 'map-head' },
          el('h1', {}, el('span', { class: 'code', text: warehouse.code }), ` ${warehouse.name}`),
          this.kpis),
        mapBox,
        el('div', { class: 'map-foot' }, legend, this.note, this.seq)),
      el('aside', { class: 'side' },
        el('section', { class: 'panel' }, el('h2', {}, 'Alerts ', this.alertCount), this.alertList),
        el('section', { class: 'panel' }, el('h2', { text: 'AGVs' }), this.agvList),
        el('section', { class: 'panel grow' }, el('h2', { text: 'Recent moves' }), this.moveList))));
    this.map = new FloorMap(mapBox, warehouse);
    this.renderKpis();
    this.renderAlerts();
    // Alert ages ("3 min ago") and move times go stale without a change: redrawn every 15 s.
    this.ticker = setInterval(() => { this.renderAlerts(); this.renderMoves(); }, 15000);
  }

  dispose() {
    clearInterval(this.ticker);
    this.subscription?.close();
  }

  setNote(text) { this.note.textContent = text; }

  applySnapshot(s) {
    this.totals = s.totals ?? {};
    this.map.setZones(s.zones);
    this.map.setLocations(s.locations);
    this.map.setGates(s.gates);
    this.agvs = new Map(s.agvs.map(a => [a.agvId, a]));
    for (const agv of s.agvs) this.map.placeAgv(agv);
    this.tasks = new Map(s.tasks.map(t => [t.taskId, t]));
    this.map.setTasks([...this.tasks.values()]);
    this.alerts = new Map(s.alerts.map(a => [a.alertId, a]));
    this.moves = s.recentMoves.slice(0, 30);
    this.setNote('');
    this.seq.textContent = `${s.epoch.slice(0, 4)}·${s.seq}`;
    this.renderAll();
  }

  applyDelta(d) {
    if (d.totals) this.totals = d.totals;
    if (d.zones.length) this.map.setZones(d.zones);
    if (d.locations.length) this.map.setLocations(d.locations);
    if (d.gates.length) this.map.setGates(d.gates);
    for (const read of d.gateReads) this.map.flashGate(read.readerId);
    for (const agv of d.agvs) { this.agvs.set(agv.agvId, agv); this.map.placeAgv(agv); }
    if (d.tasks.length) {
      for (const task of d.tasks) {
        if (task.status === 'Completed' || task.status === 'Failed') this.tasks.delete(task.taskId);
        else this.tasks.set(task.taskId, task);
      }
      this.map.setTasks([...this.tasks.values()]);
    }
    for (const alert of d.alertsRaised) this.alerts.set(alert.alertId, alert);
    for (const id of d.alertsCleared) this.alerts.delete(id);
    for (const move of d.moves) {
      // A move in the delta right after a snapshot may already be listed; keep one.
      if (this.moves.some(m => m.itemId === move.itemId && m.at === move.at)) continue;
      this.moves.unshift(move);
      this.map.animateMove(move);
    }
    this.moves.length = Math.min(this.moves.length, 30);
    this.seq.textContent = `${d.epoch.slice(0, 4)}·${d.seq}`;
    if (d.totals || d.alertsRaised.length || d.alertsCleared.length) this.dirty.add('kpis');
    if (d.alertsRaised.length || d.alertsCleared.length) this.dirty.add('alerts');
    if (d.agvs.length || d.tasks.length) this.dirty.add('agvs');
    if (d.moves.length) this.dirty.add('moves');
    this.scheduleRender();
  }

  // A busy warehouse sends up to 500 deltas/s (a 2 ms gap, decision 0005): the lists are rebuilt once per frame, not once per delta.
  scheduleRender() {
    if (this.renderPending || this.dirty.size === 0) return;
    this.renderPending = true;
    requestAnimationFrame(() => {
      this.renderPending = false;
      const parts = [...this.dirty];
      this.dirty.clear();
      if (parts.includes('kpis')) this.renderKpis();
      if (parts.includes('alerts')) this.renderAlerts();
      if (parts.includes('agvs')) this.renderAgvs();
      if (parts.includes('moves')) this.renderMoves();
    });
  }

  renderAll() {
    this.renderKpis();
    this.renderAlerts();
    this.renderAgvs();
    this.renderMoves();
  }

  renderKpis() {
    const t = this.totals;
    const inBuilding = ACTIVE.reduce((sum, s) => sum + (t[s] ?? 0), 0);
    const kpi = (label, value, cls = '') => el('div', { class: `kpi ${cls}` }, el('b', { text: String(value) }), el('span', { text: label }));
    this.kpis.replaceChildren(
      kpi('in building', inBuilding),
      kpi('to inspect', (t.Received ?? 0) + (t.AwaitingInspection ?? 0)),
      kpi('routed', (t.Dispositioned ?? 0)),
      kpi('on hold', t.OnHold ?? 0, (t.OnHold ?? 0) > 0 ? 'warn' : ''),
      kpi('missing', t.Missing ?? 0, (t.Missing ?? 0) > 0 ? 'bad' : ''),
      kpi('alerts', this.alerts.size, this.alerts.size > 0 ? 'bad' : ''));
  }

  renderAlerts() {
    const alerts = [...this.alerts.values()].sort((a, b) =>
      (severityRank[b.severity] ?? 0) - (severityRank[a.severity] ?? 0) || b.raisedAt.localeCompare(a.raisedAt));
    this.alertCount.textContent = String(alerts.length);
    this.alertCount.classList.toggle('hot', alerts.some(a => a.severity === 'Critical'));
    this.alertList.replaceChildren(...(alerts.length ? alerts.map(a => el('li', { class: `alert sev-${a.severity}`, 'data-alert': a.alertId },
      el('span', { class: 'kind', text: words(a.kind) }),
      el('span', { class: 'msg', text: a.message }),
      el('span', { class: 'when muted', text: timeAgo(a.raisedAt) }))) : [el('li', { class: 'muted calm', text: 'All clear' })]));
  }

  renderAgvs() {
    const agvs = [...this.agvs.values()].sort((a, b) => a.agvId.localeCompare(b.agvId));
    this.agvList.replaceChildren(...(agvs.length ? agvs.map(a => el('li', { class: 'agv-row', 'data-agv': a.agvId },
      el('span', { class: 'state-dot', style: `background:${agvColors[a.availability] ?? agvColors.Unknown}` }),
      el('span', { class: 'name', text: a.agvId.split('/').pop() }),
      el('span', { class: 'state', text: words(a.availability) }),
      el('span', { class: 'battery' }, el('i', { style: `width:${Math.round(a.batteryCharge ?? 0)}%`, class: (a.batteryCharge ?? 0) < 25 ? 'low' : '' }),
        el('em', { text: `${Math.round(a.batteryCharge ?? 0)}%` })),
      el('span', { class: 'task muted', text: a.taskId ? `task ${shortId(a.taskId)}` : (a.errors?.length ? a.errors[0] : '') }))) :
      [el('li', { class: 'muted calm', text: 'No AGV reports yet' })]));
  }

  renderMoves() {
    this.moveList.replaceChildren(...(this.moves.length ? this.moves.map(m => el('li', { class: 'move' },
      el('span', { class: 'when muted', text: clock(m.at) }),
      el('button', { class: 'item link', type: 'button', text: shortId(m.itemId), title: m.itemId, 'data-item': m.itemId }),
      el('span', { class: `pill st-${m.status}`, text: words(m.status) }),
      el('span', { class: 'route', text: route(m) }))) : [el('li', { class: 'muted calm', text: 'Waiting for item movements' })]));
  }
}

// "DOCK-IN-01 → INSP-02"; an item that came from nowhere here (arrived, received) or left the warehouse says so.
function route(move) {
  if (move.from && move.to) return move.from === move.to ? `at ${move.to}` : `${move.from} → ${move.to}`;
  if (move.to) return `→ ${move.to}`;
  return move.from ? `${move.from} → (left)` : '';
}
