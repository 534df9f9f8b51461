// A TV channel: plays its slides in a loop, stays in sync over /live, celebrates sales and goals.
import { clock, el, replace } from "./dom.js";
import { LiveFeed } from "./live.js";
import { RENDERERS } from "./slides.js";

const MAX_AGE_MS = 10000;
const OVERLAY_MS = 2500;
const GOAL_MS = 4000;
const REVEAL_MS = 2500;

const channelKey = document.body.dataset.channel;
const stage = document.getElementById("stage");
const overlay = document.getElementById("overlay");
const state = { channel: null, contests: new Map(), index: 0, page: 0, pages: 1, timer: null, ceremony: null };
const queue = [];
let overlayBusy = false;
let overlayTimer = null;

function token() {
  const match = window.location.hash.match(/token=([^&]+)/);
  if (match) {
    localStorage.setItem("leaderboard.token", decodeURIComponent(match[1]));
    history.replaceState(null, "", window.location.pathname);
  }
  return localStorage.getItem("leaderboard.token");
}

function slides() {
  return (state.channel && state.channel.slides) || [];
}

function render() {
  const list = slides();
  if (!list.length) return;
  const slide = list[state.index % list.length];
  const data = slide.contest ? state.contests.get(slide.contest) : {};
  const title = data && data.contest ? data.contest.name : state.channel.name;
  document.getElementById("slide-title").textContent = title;
  document.body.dataset.slide = slide.type;
  replace(document.getElementById("slide-dots"), ...list.map((_, i) => el("span", { class: i === state.index % list.length ? "on" : null })));
  stage.replaceChildren();
  if (slide.contest && !data) {
    stage.append(el("div", { class: "message", text: "Loading…" }));
    return;
  }
  const ceremony = state.ceremony && state.ceremony.contest === slide.contest ? state.ceremony : null;
  const result = RENDERERS[slide.type](slide, data || {}, state.page, ceremony, stage);
  state.pages = result.pages;
  for (const node of result.nodes) if (node && !node.isConnected) stage.append(node);
}

function advance() {
  const list = slides();
  if (!list.length) return;
  if (state.ceremony) {
    schedule(REVEAL_MS);
    return; // the ceremony holds the screen until every winner is shown
  }
  if (state.page + 1 < state.pages) state.page += 1;
  else { state.page = 0; state.index = (state.index + 1) % list.length; }
  render();
  schedule();
}

function schedule(ms) {
  clearTimeout(state.timer);
  const slide = slides()[state.index % Math.max(1, slides().length)];
  state.timer = setTimeout(advance, ms || (slide ? slide.seconds * 1000 : 15000));
}

function touched() {
  document.getElementById("updated").textContent = `updated ${clock()}`;
}

// A celebration is news only while it is fresh: never shown more than 10 s after it happened.
function celebrate(text, kind = "sale", count = 1) {
  const item = { text, kind, count, at: Date.now() };
  if (kind === "sale") queue.push(item);
  else {
    // A goal or a VAR call is the moment of the match: it goes before waiting sales and cuts a sale short.
    const firstSale = queue.findIndex((i) => i.kind === "sale");
    queue.splice(firstSale < 0 ? queue.length : firstSale, 0, item);
    if (overlayBusy && overlay.classList.contains("sale")) { clearTimeout(overlayTimer); nextOverlay(); return; }
  }
  if (!overlayBusy) nextOverlay();
}

function nextOverlay() {
  while (queue.length && Date.now() - queue[0].at > MAX_AGE_MS) queue.shift();
  const item = queue.shift();
  if (!item) { overlay.hidden = true; overlayBusy = false; return; }
  overlayBusy = true;
  let more = item.count - 1;
  if (item.kind === "sale") {
    // A burst of sales is folded into this one celebration: "+N more".
    for (const waiting of queue.filter((i) => i.kind === "sale")) more += waiting.count;
    queue.splice(0, queue.length, ...queue.filter((i) => i.kind !== "sale"));
  }
  overlay.className = `overlay ${item.kind}`;
  overlay.textContent = item.text + (more > 0 ? ` (+${more} more)` : "");
  overlay.hidden = false;
  overlayTimer = setTimeout(nextOverlay, item.kind === "sale" ? OVERLAY_MS : GOAL_MS);
}

function forgetCelebrations() {
  queue.length = 0; // nothing is replayed after a reconnect or once the server is gone
}

function contestId(topic) {
  return topic.startsWith("contest:") ? Number(topic.slice(8)) : null;
}

function onSnapshot(topic, data) {
  if (topic.startsWith("channel:")) {
    setChannel(data);
  } else {
    state.contests.set(contestId(topic), data);
    const slide = slides()[state.index % Math.max(1, slides().length)];
    if (slide && slide.contest === contestId(topic)) render();
  }
  touched();
}

function setChannel(channel) {
  const first = !state.channel;
  state.channel = channel;
  if (state.index >= slides().length) { state.index = 0; state.page = 0; }
  render();
  if (first) schedule();
}

function showSlideOf(contest, type) {
  const index = slides().findIndex((s) => s.contest === contest && s.type === type);
  if (index >= 0) { state.index = index; state.page = 0; }
}

function reveal() {
  if (!state.ceremony) return;
  state.ceremony.revealed += 1;
  render();
  if (state.ceremony.revealed >= state.ceremony.winners.length) {
    const done = state.ceremony;
    setTimeout(() => { if (state.ceremony === done) { state.ceremony = null; schedule(); } }, 15000);
  } else setTimeout(reveal, REVEAL_MS);
}

function onDelta(event, message) {
  touched();
  const id = contestId(message.topic);
  if (event === "sale") {
    celebrate(`${message.agent.name} · ${message.product.name} · +${message.points}`, "sale", 1 + (message.more || 0));
  } else if (event === "match.goal") {
    celebrate(`GOAL! ${message.agent.name} · ${message.home} ${message.score.home}–${message.score.away} ${message.away}`, "goal");
    feed.refresh(message.topic);
  } else if (event === "match.disallowed") {
    celebrate(`VAR: goal by ${message.agent.name} disallowed · ${message.home} ${message.score.home}–${message.score.away} ${message.away}`, "goal var");
    feed.refresh(message.topic);
  } else if (event === "cup.corrected") {
    celebrate(message.bracket_changed
      ? `VAR: round ${message.round} is now ${message.after.home} v ${message.after.away}`
      : `VAR: ${message.winner} would now win that round-${message.round} tie; the bracket stands`, "goal var");
    feed.refresh(message.topic);
  } else if (event === "draw.winner") {
    if (!state.ceremony || state.ceremony.contest !== id) {
      state.ceremony = { contest: id, winners: [], revealed: 0 };
      showSlideOf(id, "lucky_draw");
      setTimeout(reveal, REVEAL_MS);
    }
    state.ceremony.winners.push({ ...message, agent_name: message.agent_name || message.agent });
    render();
  } else if (event === "standings" && message.data) {
    onSnapshot(message.topic, message.data); // the new picture came with the push: nothing to ask for
  } else if (event === "channel") {
    setChannel(message.channel); // the new slides now; the refresh joins their contests' rooms
    feed.refresh(message.topic);
  } else {
    feed.refresh(message.topic);
  }
}

function onState(name, since) {
  if (name !== "live") forgetCelebrations();
  const badge = document.getElementById("connection");
  badge.dataset.state = name === "refused" ? "offline" : name;
  badge.textContent = name === "live" ? "live" : name === "refused" ? "not paired: open /tv"
    : `reconnecting${since ? ` · offline since ${since}` : ""}`;
}

setInterval(() => {
  for (const node of stage.querySelectorAll(".countdown")) {
    const left = Math.max(0, new Date(node.dataset.ends) - Date.now());
    const h = Math.floor(left / 3600000);
    node.textContent = left ? `${Math.floor(h / 24)}d ${h % 24}h ${Math.floor((left % 3600000) / 60000)}m ${Math.floor((left % 60000) / 1000)}s` : "draw time!";
  }
}, 1000);

const feed = new LiveFeed({ token: token(), subscriptions: [{ channel: channelKey }], onSnapshot, onDelta, onState });
window.leaderboardFeed = feed; // for the browser tests and for debugging on a TV
