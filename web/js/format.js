// Shared look: colours per zone type and AGV state, and small formatting helpers.
export const zoneColors = {
  Dock: '#4f8cff', Inspection: '#f5b83d', Quarantine: '#f85149', Restock: '#3fb950', Refurbish: '#a371f7',
  VendorReturn: '#39c5cf', Liquidation: '#f0883e', Recycle: '#9ccc65', Scrap: '#8b949e', Outbound: '#79c0ff',
};

export const agvColors = { Idle: '#8b949e', Executing: '#3fb950', Charging: '#39c5cf', Unavailable: '#d29922', Error: '#f85149', Unknown: '#6e7681' };

export const severityRank = { Critical: 2, Warning: 1, Info: 0 };

export function el(tag, attrs = {}, ...children) {
  const svgTags = new Set(['svg', 'g', 'rect', 'circle', 'line', 'text', 'path', 'title', 'polygon', 'tspan']);
  const node = svgTags.has(tag) ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.setAttribute('class', value);
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) if (child != null) node.append(child);
  return node;
}

export function timeAgo(iso) {
  if (!iso) return '—';
  const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return `${Math.round(seconds)} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

export function clock(iso) {
  return iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }) : '';
}

export const shortId = id => (id && id.length > 14 ? `…${id.slice(-10)}` : id ?? '');

/** Words from a PascalCase enum name: AwaitingInspection → awaiting inspection. */
export const words = name => (name ?? '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
