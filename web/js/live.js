// The live hub connection and its channels. A channel (one warehouse or region) starts from a snapshot numbered S
// and applies deltas S+1, S+2, … of the same epoch. A gap, an epoch change (the feed restarted, or another silo
// answers now) or a reconnect makes it ask for a new snapshot: the map heals itself.

export class LiveConnection {
  constructor(key, onState) {
    this.key = key;
    this.onState = onState;
    this.channels = new Map();
    this.stopped = false;
    this.stats = { snapshots: 0, deltas: 0, resyncs: 0 };
  }

  async start() {
    if (!window.signalR) {
      this.onState('offline', 'SignalR client missing (run npm ci in web/)');
      return;
    }
    this.connection = new signalR.HubConnectionBuilder()
      // Browsers cannot put headers on WebSockets: the key goes in the access_token query, which the server accepts.
      .withUrl(`/hubs/live?access_token=${encodeURIComponent(this.key)}`)
      // A key the server no longer accepts (keys rotated at a restart) ends the reconnecting: the close handler then
      // connects once more, finds the key rejected and asks for one, instead of showing "reconnecting" forever.
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => rejected(ctx.retryReason) ? null : Math.min(10000, 500 * 2 ** Math.min(ctx.previousRetryCount, 5)) })
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    this.connection.on('warehouseDelta', d => this.channels.get(`warehouse:${d.warehouse}`)?.receive(d));
    this.connection.on('regionDelta', d => this.channels.get(`region:${d.region}`)?.receive(d));
    this.connection.onreconnecting(() => this.onState('reconnecting'));
    this.connection.onreconnected(() => { this.onState('live'); this.resyncAll(); });
    this.connection.onclose(() => { if (!this.stopped) { this.onState('offline'); this.retry(); } });
    await this.connect();
  }

  async connect() {
    this.onState('connecting');
    try {
      await this.connection.start();
      this.onState('live');
      this.resyncAll();
    } catch (error) {
      if (rejected(error)) { this.onState('offline', 'key rejected'); return; }
      this.onState('offline');
      this.retry();
    }
  }

  retry() {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => { if (!this.stopped) this.connect(); }, 3000);
  }

  resyncAll() { for (const channel of this.channels.values()) channel.sync(); }

  watch(kind, code, handlers) {
    const channel = new Channel(this, kind, code, handlers);
    this.channels.set(`${kind}:${code}`, channel);
    if (this.connection?.state === 'Connected') channel.sync();
    return {
      channel,
      close: () => {
        this.channels.delete(`${kind}:${code}`);
        channel.closed = true;
        if (this.connection?.state === 'Connected') {
          this.connection.invoke(kind === 'warehouse' ? 'LeaveWarehouse' : 'LeaveRegion', code).catch(() => {});
        }
      },
    };
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.connection?.stop();
  }
}

/** The hub refused the key (negotiate or WebSocket answered 401). */
function rejected(error) {
  return error?.statusCode === 401 || String(error ?? '').includes('401');
}

class Channel {
  constructor(live, kind, code, handlers) {
    this.live = live;
    this.kind = kind;
    this.code = code;
    this.handlers = handlers;
    this.epoch = null;
    this.seq = -1;
    this.syncing = false;
    this.buffer = [];
  }

  async sync() {
    if (this.syncing || this.closed) return;
    this.syncing = true;
    this.buffer = [];
    try {
      const snapshot = await this.live.connection.invoke(this.kind === 'warehouse' ? 'JoinWarehouse' : 'JoinRegion', this.code);
      if (this.closed) return;
      this.epoch = snapshot.epoch;
      this.seq = snapshot.seq;
      this.live.stats.snapshots++;
      this.handlers.snapshot(snapshot);
    } catch (error) {
      this.handlers.error?.(error);
      setTimeout(() => this.sync(), 2000);
      return;
    } finally {
      this.syncing = false;
    }
    // Deltas that overtook the snapshot: drop what it already holds, apply the rest in order.
    const early = this.buffer;
    this.buffer = [];
    for (const delta of early) this.receive(delta);
  }

  receive(delta) {
    if (this.closed) return;
    if (this.syncing) { this.buffer.push(delta); return; }
    if (delta.epoch === this.epoch && delta.seq <= this.seq) return;
    if (delta.epoch !== this.epoch || delta.seq !== this.seq + 1) {
      this.live.stats.resyncs++;
      this.sync();
      return;
    }
    this.seq = delta.seq;
    this.live.stats.deltas++;
    this.handlers.delta(delta);
  }
}
