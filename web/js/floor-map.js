import { agvColors, el, zoneColors } from './format.js';

const MAX_MOVE_DOTS = 40;

// The SVG floor plan of one warehouse, in metres (the layout's units). Only what changes is touched on a delta.
export class FloorMap {
  constructor(container, warehouse) {
    const layout = warehouse.layout;
    this.code = warehouse.code;
    this.layout = layout;
    this.zoneNodes = new Map();
    this.locationNodes = new Map();
    this.gateNodes = new Map();
    this.agvNodes = new Map();
    this.nodes = new Map(layout.agvNodes.map(n => [n.nodeId, n]));
    this.locations = new Map(layout.locations.map(l => [l.code, l]));
    this.zoneTypes = new Map(layout.zones.map(z => [z.code, z.type]));
    const pad = 1.5;
    this.svg = el('svg', {
      class: 'floor', viewBox: `${-pad} ${-pad} ${layout.width + 2 * pad} ${layout.height + 2 * pad}`,
      preserveAspectRatio: 'xMidYMid meet', role: 'img', 'aria-label': 'Warehouse floor map',
    });
    this.svg.append(el('rect', { class: 'floor-bg', x: -0.5, y: -0.5, width: layout.width + 1, height: layout.height + 1, rx: 0.6 }));
    this.layers = {};
    for (const name of ['zones', 'locations', 'paths', 'tasks', 'moves', 'gates', 'agvs']) {
      this.layers[name] = el('g', { class: `layer-${name}` });
      this.svg.append(this.layers[name]);
    }
    this.drawStatic();
    container.replaceChildren(this.svg);
    this.fitZoneNames();
  }

  // A long name in a narrow zone would run into its count: shrink that name (measured once the SVG is laid out).
  fitZoneNames() {
    for (const { g, zone } of this.zoneNodes.values()) {
      const name = g.querySelector('.zone-name');
      const length = name.getComputedTextLength?.() ?? 0;
      const room = zone.area.width - 1.4 - 3.4; // margins and a three-digit count
      if (length > room && room > 0) name.style.fontSize = `${Math.max(0.6, 1.05 * room / length).toFixed(2)}px`;
    }
  }

  drawStatic() {
    const { zones, locations, readers, agvNodes } = this.layout;
    for (const zone of zones) {
      const a = zone.area;
      const color = zoneColors[zone.type] ?? '#8b949e';
      const count = el('text', { class: 'zone-count', x: a.x + a.width - 0.6, y: a.y + 1.75, 'text-anchor': 'end', text: '0' });
      const g = el('g', { class: 'zone', 'data-zone': zone.code, style: `--zone:${color}` },
        el('rect', { x: a.x, y: a.y, width: a.width, height: a.height, rx: 0.5 }),
        el('text', { class: 'zone-name', x: a.x + 0.7, y: a.y + 1.6, text: zone.name }),
        count,
        el('title', { text: `${zone.name} (${zone.type})` }));
      this.layers.zones.append(g);
      this.zoneNodes.set(zone.code, { g, count, zone });
    }
    for (const location of locations) {
      const a = location.area;
      const color = zoneColors[this.zoneTypes.get(location.zone) ?? location.type] ?? '#8b949e';
      const rect = el('rect', { class: 'loc', x: a.x, y: a.y, width: a.width, height: a.height, rx: 0.25, style: `--zone:${color};--fill:0` });
      const title = el('title', { text: `${location.code}: 0 / ${location.capacity}` });
      const g = el('g', { class: 'location', 'data-location': location.code }, rect, title,
        el('text', { class: 'loc-code', x: a.x + a.width / 2, y: a.y + a.height - 0.5, 'text-anchor': 'middle', text: location.code }));
      this.layers.locations.append(g);
      this.locationNodes.set(location.code, { g, rect, title, location });
    }
    const homes = new Set(this.layout.agvs.map(a => a.homeNode));
    for (const node of agvNodes) {
      this.layers.paths.append(el('circle', { class: 'agv-node', cx: node.x, cy: node.y, r: 0.22 }));
      // Where idle AGVs park and charge: labelled, or a lone dot outside every zone puzzles people.
      if (homes.has(node.nodeId)) {
        this.layers.paths.append(el('g', { class: 'agv-home' },
          el('circle', { cx: node.x, cy: node.y, r: 1.3 }),
          el('text', { x: node.x, y: node.y + 2.3, 'text-anchor': 'middle', text: 'AGV home' }),
          el('title', { text: `${node.nodeId}: AGV parking and charging` })));
      }
    }
    for (const reader of readers) {
      const g = el('g', { class: `gate gate-${reader.kind}`, 'data-reader': reader.readerId, transform: `translate(${reader.x} ${reader.y})` },
        el('rect', { class: 'gate-bar', x: -1.6, y: -0.35, width: 3.2, height: 0.7, rx: 0.35 }),
        el('circle', { class: 'gate-pulse', r: 1.2 }),
        el('text', { class: 'gate-label', y: reader.y < 2 ? -0.75 : 1.6, 'text-anchor': 'middle', text: reader.readerId.replace(/^[A-Z0-9]+-/, '') }),
        el('title', { text: reader.readerId }));
      this.layers.gates.append(g);
      this.gateNodes.set(reader.readerId, g);
    }
    for (const agv of this.layout.agvs) {
      const home = this.nodes.get(agv.homeNode) ?? { x: 1, y: 1 };
      this.placeAgv({ agvId: `${agv.manufacturer}/${agv.serialNumber}`, x: home.x, y: home.y, theta: 0, availability: 'Unknown', batteryCharge: null });
    }
  }

  setZones(zones) {
    for (const zone of zones) {
      const node = this.zoneNodes.get(zone.code);
      if (!node) continue;
      if (node.count.textContent !== String(zone.count)) {
        node.count.textContent = String(zone.count);
        node.g.classList.remove('bump');
        void node.g.getBBox();
        node.g.classList.add('bump');
      }
      node.g.dataset.count = zone.count;
      node.g.querySelector('title').textContent =
        `${node.zone.name} (${node.zone.type}): ${zone.count} items${Object.entries(zone.byStatus ?? {}).map(([s, n]) => `\n${s}: ${n}`).join('')}`;
    }
  }

  setLocations(locations) {
    for (const fill of locations) {
      const node = this.locationNodes.get(fill.code);
      if (!node) continue;
      const level = fill.capacity > 0 ? Math.min(1, fill.count / fill.capacity) : 0;
      node.rect.style.setProperty('--fill', level.toFixed(3));
      node.rect.classList.toggle('full', level >= 0.95);
      node.g.dataset.count = fill.count;
      node.title.textContent = `${fill.code}: ${fill.count} / ${fill.capacity}`;
    }
  }

  setGates(gates) {
    for (const gate of gates) {
      const g = this.gateNodes.get(gate.readerId);
      if (!g) continue;
      g.classList.toggle('silent', !!gate.silent);
      g.querySelector('title').textContent =
        `${gate.readerId}\n${gate.totalReads} reads · ${gate.readsPerSecond.toFixed(1)}/s · ${gate.tagsInField} tags in field${gate.silent ? '\nSILENT' : ''}`;
    }
  }

  flashGate(readerId) {
    const g = this.gateNodes.get(readerId);
    if (!g) return;
    g.classList.remove('flash');
    void g.getBBox();
    g.classList.add('flash');
    g.dataset.flashes = String(Number(g.dataset.flashes ?? 0) + 1);
  }

  placeAgv(agv) {
    let node = this.agvNodes.get(agv.agvId);
    if (!node) {
      const body = el('circle', { class: 'agv-body', r: 0.95 });
      const heading = el('path', { class: 'agv-heading', d: 'M 0.3 -0.45 L 1.35 0 L 0.3 0.45 Z' });
      const battery = el('rect', { class: 'agv-battery', x: -0.9, y: 1.25, height: 0.32, rx: 0.1, width: 1.8 });
      const label = el('text', { class: 'agv-label', y: -1.35, 'text-anchor': 'middle', text: agv.agvId.split('/').pop().replace(/^[A-Z0-9]+-/, '') });
      const task = el('text', { class: 'agv-task', y: 2.35, 'text-anchor': 'middle' });
      const title = el('title');
      const g = el('g', { class: 'agv', 'data-agv': agv.agvId }, el('g', { class: 'agv-rot' }, body, heading), battery, label, task, title);
      this.layers.agvs.append(g);
      node = { g, body, battery, task, title, rot: g.firstChild };
      this.agvNodes.set(agv.agvId, node);
    }
    node.g.dataset.x = agv.x;
    node.g.dataset.y = agv.y;
    this.spreadAgvs();
    node.rot.style.transform = `rotate(${(agv.theta ?? 0) * 180 / Math.PI}deg)`;
    const state = agv.availability ?? 'Unknown';
    node.g.dataset.state = state;
    node.body.style.fill = agvColors[state] ?? agvColors.Unknown;
    const charge = agv.batteryCharge ?? 0;
    node.battery.setAttribute('width', (1.8 * Math.max(0, Math.min(100, charge)) / 100).toFixed(2));
    node.battery.classList.toggle('low', agv.batteryCharge != null && charge < 25);
    node.task.textContent = !agv.taskId ? '' : agv.taskId.length > 12 ? `…${agv.taskId.slice(-8)}` : agv.taskId;
    node.title.textContent = `${agv.agvId}\n${state}${agv.batteryCharge != null ? ` · battery ${Math.round(charge)}%` : ''}` +
      `${agv.charging ? ' (charging)' : ''}${agv.taskId ? `\ntask ${agv.taskId}` : ''}${agv.errors?.length ? `\n${agv.errors.join(', ')}` : ''}`;
  }

  // AGVs parked on the same node would hide each other: draw them side by side (data-x/y keep the reported position).
  // CSS transforms on SVG use user units, and transition between positions smoothly.
  spreadAgvs() {
    const placed = [];
    for (const node of this.agvNodes.values()) {
      const x = Number(node.g.dataset.x);
      const y = Number(node.g.dataset.y);
      const crowd = placed.filter(p => Math.hypot(p.x - x, p.y - y) < 1.5).length;
      placed.push({ x, y });
      const dx = crowd === 0 ? 0 : (crowd % 2 ? -1 : 1) * Math.ceil(crowd / 2) * 3.6; // alternate sides, labels apart
      node.g.style.transform = `translate(${x + dx}px, ${y}px)`;
    }
  }

  setTasks(tasks) {
    this.layers.tasks.replaceChildren();
    for (const task of tasks) {
      const from = this.locationCenter(task.fromLocation);
      const to = this.locationCenter(task.toLocation);
      if (!from || !to) continue;
      this.layers.tasks.append(el('line', { class: `task task-${task.status}`, x1: from.x, y1: from.y, x2: to.x, y2: to.y },
        el('title', { text: `${task.taskId}: ${task.itemId} ${task.fromLocation} → ${task.toLocation} (${task.status})` })));
    }
  }

  // A hidden tab runs no animation frames: each dot's frames would queue up until the tab is shown again (thousands an
  // hour on a busy floor), so nothing is animated while hidden; a burst draws at most MAX_MOVE_DOTS at once.
  animateMove(move) {
    if (document.hidden || this.layers.moves.childElementCount >= MAX_MOVE_DOTS) return;
    const from = this.locationCenter(move.from);
    const to = this.locationCenter(move.to);
    const target = to ?? from;
    if (!target) return;
    const dot = el('circle', { class: 'move-dot', r: 0.55 });
    dot.style.transform = `translate(${(from ?? target).x}px, ${(from ?? target).y}px)`;
    this.layers.moves.append(dot);
    requestAnimationFrame(() => requestAnimationFrame(() => {
      dot.style.transform = `translate(${target.x}px, ${target.y}px)`;
      dot.classList.add('go');
    }));
    setTimeout(() => dot.remove(), 1600);
  }

  highlight(locationCode) {
    for (const node of this.locationNodes.values()) node.g.classList.remove('highlight');
    const code = this.localCode(locationCode);
    const node = code && this.locationNodes.get(code);
    if (node) node.g.classList.add('highlight');
    return !!node;
  }

  localCode(location) {
    if (!location) return null;
    const slash = location.indexOf('/');
    if (slash >= 0) {
      if (location.slice(0, slash).toUpperCase() !== this.code.toUpperCase()) return null;
      return location.slice(slash + 1);
    }
    return location;
  }

  locationCenter(location) {
    const code = this.localCode(location);
    const definition = code && this.locations.get(code);
    if (!definition) return null;
    const a = definition.area;
    return { x: a.x + a.width / 2, y: a.y + a.height / 2 };
  }
}
