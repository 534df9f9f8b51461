// The /live connection: auth, subscriptions, per-topic epoch and seq checks, snapshot on gap or reconnect.
import { hhmm } from "./dom.js";
import { DELTA_EVENTS } from "/live/events.js";

const RESYNC_MIN_MS = 500;
// Servers send a heartbeat every 2 s; two intervals of silence mean pushes are being lost somewhere.
const SILENCE_MS = 4000;
const HEARTBEAT_GRACE_MS = 1000;

export class LiveFeed {
  constructor({ token, subscriptions, onSnapshot, onDelta, onState }) {
    this.subscriptions = subscriptions;
    this.onSnapshot = onSnapshot;
    this.onDelta = onDelta;
    this.onState = onState;
    this.seq = new Map();
    this.epoch = new Map();
    this.lastResync = new Map();
    this.deferred = new Map();
    this.offlineSince = null;
    this.lastHeard = Date.now();
    setInterval(() => this.watchdog(), 1000);
    // Socket.IO's own reconnect, with jittered exponential back-off.
    this.socket = window.io("/live", {
      auth: token ? { token } : {},
      transports: ["websocket", "polling"],
      reconnectionDelay: 1000,
      reconnectionDelayMax: 15000,
      randomizationFactor: 0.5,
    });
    this.socket.on("connect", () => this.connected());
    this.socket.on("disconnect", () => this.lost());
    this.socket.on("connect_error", (error) => this.lost(error));
    this.socket.io.on("reconnect_attempt", () => this.state("reconnecting"));
    this.socket.on("snapshot", (message) => this.snapshot(message));
    this.socket.on("heartbeat", (message) => this.heartbeat(message));
    this.socket.on("error", (message) => console.warn("live:", message && message.message));
    for (const event of DELTA_EVENTS) {
      this.socket.on(event, (message) => this.delta(event, message));
    }
  }

  connected() {
    this.offlineSince = null;
    this.seq.clear(); // a (re)connect always starts from fresh snapshots
    this.state("live");
    for (const subscription of this.subscriptions) this.socket.emit("subscribe", subscription);
  }

  lost(error) {
    if (this.offlineSince === null) this.offlineSince = new Date();
    const refused = error && error.message && error.message.startsWith("unauthorized");
    this.state(refused ? "refused" : "reconnecting");
  }

  state(name) {
    const since = this.offlineSince ? hhmm(this.offlineSince) : null;
    this.onState(name, since);
  }

  watchdog() {
    if (!this.socket.connected || Date.now() - this.lastHeard < SILENCE_MS) return;
    this.lastHeard = Date.now();
    for (const topic of this.seq.keys()) this.resync(topic);
  }

  snapshot(message) {
    this.lastHeard = Date.now();
    this.seq.set(message.topic, message.seq);
    this.epoch.set(message.topic, message.epoch);
    this.onSnapshot(message.topic, message.data);
  }

  delta(event, message) {
    this.lastHeard = Date.now();
    const known = this.seq.get(message.topic);
    if (known === undefined) return; // no snapshot yet: it is on its way
    if (message.epoch !== this.epoch.get(message.topic)) return this.resync(message.topic); // counters lost
    if (message.seq === known) return; // already reflected
    // A standings delta carries the whole picture at its seq: after a gap it is as good as a snapshot.
    if (message.seq > known + 1 && event === "standings" && message.data) return this.snapshot(message);
    if (message.seq !== known + 1) return this.resync(message.topic); // a gap, or a seq going backwards
    this.seq.set(message.topic, message.seq);
    this.onDelta(event, message);
  }

  heartbeat(message) {
    this.lastHeard = Date.now();
    const known = this.seq.get(message.topic);
    if (known === undefined) return;
    if (message.epoch !== this.epoch.get(message.topic)) return this.resync(message.topic);
    // Behind: another process read the counter just before the delta we already have. Nothing to do.
    if (message.seq > known) {
      // Ahead: with several processes a heartbeat can overtake the delta it counts. Resync only if the
      // delta has not arrived within the grace.
      setTimeout(() => { if ((this.seq.get(message.topic) ?? known) < message.seq) this.resync(message.topic); },
        HEARTBEAT_GRACE_MS);
    }
  }

  resync(topic) {
    // Rate-limited, never dropped: a resync asked for too soon runs as soon as it may.
    const wait = (this.lastResync.get(topic) || 0) + RESYNC_MIN_MS - Date.now();
    if (wait > 0) {
      if (!this.deferred.has(topic)) {
        this.deferred.set(topic, setTimeout(() => { this.deferred.delete(topic); this.resync(topic); }, wait));
      }
      return;
    }
    this.lastResync.set(topic, Date.now());
    this.socket.emit("snapshot", { topic });
  }

  refresh(topic) {
    this.resync(topic);
  }

  // A subscription found while the page is open (a contest that started): kept for reconnects too.
  subscribe(subscription) {
    this.subscriptions.push(subscription);
    if (this.socket.connected) this.socket.emit("subscribe", subscription);
  }
}
