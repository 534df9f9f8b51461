// A TV channel: plays its slides in a loop (pages share their slide's time), stays in sync over /live, and
// celebrates sales and goals in the band below the data.
import { el, replace } from "./dom.js";
import { LiveFeed } from "./live.js";
import { RENDERERS } from "./slides.js";
import { CelebrationBand } from "./tv/celebrations.js";
import { countdownText, spinReels } from "./tv/draw.js";
import { formatTime, loadStrings, t } from "./tv/i18n.js";
import { setIconBase } from "./tv/people.js";
import { noteRanks } from "./tv/standings.js";

const REVEAL_MS = 2500;
const CEREMONY_HOLD_MS = 15000;
const body = document.body;
const channelKey = body.dataset.channel;
const stage = document.getElementById("stage");
const state = { channel: null, contests: new Map(), index: 0, page: 0, pages: 1, timer: null, ceremony: null, reel: null,
  shown: null };
const band = new CelebrationBand(document.getElementById("band"), body.dataset.icons, body.dataset.sound);
let feed = null;

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

function currentSlide() {
  const list = slides();
  return list.length ? list[state.index % list.length] : null;
}

// Rows that stay on screen glide from where they were to where they are now (FLIP), instead of jumping.
function positions() {
  return new Map([...stage.querySelectorAll("[data-key]")].map((node) => [node.dataset.key, node.getBoundingClientRect()]));
}

function glide(before) {
  for (const node of stage.querySelectorAll("[data-key]")) {
    const was = before.get(node.dataset.key);
    if (!was) continue;
    const now = node.getBoundingClientRect();
    const dy = was.top - now.top;
    const dx = was.left - now.left;
    if (Math.abs(dx) + Math.abs(dy) < 1) continue;
    node.animate([{ transform: `translate(${dx}px, ${dy}px)` }, { transform: "none" }],
      { duration: 600, easing: "cubic-bezier(0.2, 0.8, 0.2, 1)" });
  }
}

function render() {
  const slide = currentSlide();
  if (!slide) return;
  // Slides without a contest (message, goal wall, kudos) read the channel's own picture.
  const data = slide.contest ? state.contests.get(slide.contest) : { people: state.channel.people || {} };
  const title = data && data.contest ? data.contest.name : state.channel.name;
  document.getElementById("slide-title").textContent = title;
  body.dataset.slide = slide.type;
  const list = slides();
  replace(document.getElementById("slide-dots"), ...list.map((_, i) => el("span", { class: i === state.index % list.length ? "on" : null })));
  const where = `${state.index}:${state.page}`;
  const before = state.shown === where ? positions() : new Map();
  stage.classList.toggle("same", state.shown === where);
  clearInterval(state.reel);
  stage.replaceChildren();
  if (slide.contest && !data) {
    stage.append(el("div", { class: "message", text: t("loading") }));
    return;
  }
  const ceremony = state.ceremony && state.ceremony.contest === slide.contest ? state.ceremony : null;
  const result = RENDERERS[slide.type](slide, data || {}, state.page, ceremony, stage);
  const pagesBefore = state.pages;
  state.pages = result.pages;
  if (state.page >= state.pages) state.page = 0;
  // The page count came with the data (or changed): the running page gets its new share of the slide's time.
  if (state.timer && !state.ceremony && state.pages !== pagesBefore) schedule();
  for (const node of result.nodes) if (node && !node.isConnected) stage.append(node);
  if (state.shown === where) for (const node of stage.children) node.getAnimations().forEach((a) => a.finish());
  glide(before);
  state.shown = where;
  document.getElementById("page-note").textContent = state.pages > 1
    ? t("page_of", { page: state.page + 1, pages: state.pages }) : "";
  if (ceremony) {
    const names = ((data.tickets || {}).agents || []).map((entry) => entry.name);
    if (names.length > 1) state.reel = spinReels(stage, names);
  }
}

// Every page of a slide gets an equal share of the slide's seconds, so the whole board shows in one rotation.
function pageTime(slide) {
  return ((slide ? slide.seconds : 15) * 1000) / Math.max(1, state.pages);
}

// The goal wall's savings move with sales and the clock, which push it nothing: look again when it comes up.
const PEOPLE_LOOK_AGAIN_MS = 60000;
let peopleAskedAt = 0;

function lookAgainAtGoalWall() {
  const slide = currentSlide();
  if (!slide || slide.type !== "goal_wall" || !feed || Date.now() - peopleAskedAt < PEOPLE_LOOK_AGAIN_MS) return;
  peopleAskedAt = Date.now();
  feed.refresh(`channel:${channelKey}`);
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
  lookAgainAtGoalWall();
  schedule();
}

function schedule(ms) {
  clearTimeout(state.timer);
  state.timer = setTimeout(advance, ms || pageTime(currentSlide()));
}

function touched() {
  document.getElementById("updated").textContent = t("updated", { time: formatTime(new Date()) });
}

function contestId(topic) {
  return topic.startsWith("contest:") ? Number(topic.slice(8)) : null;
}

function onSnapshot(topic, data) {
  if (topic.startsWith("channel:")) {
    setChannel(data);
  } else {
    const id = contestId(topic);
    for (const [by, rows] of Object.entries(data.standings || {})) noteRanks(`${id}:${by}`, rows);
    state.contests.set(id, data);
    const slide = currentSlide();
    if (slide && slide.contest === id) render();
  }
  touched();
}

function setChannel(channel) {
  const first = !state.channel;
  state.channel = { ...(state.channel || {}), ...channel };
  if (state.channel.language && state.channel.language !== body.dataset.language) {
    window.location.reload(); // the channel now speaks another language: its strings and formats come with the page
    return;
  }
  band.configure(state.channel);
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
    setTimeout(() => { if (state.ceremony === done) { state.ceremony = null; schedule(); } }, CEREMONY_HOLD_MS);
  } else setTimeout(reveal, REVEAL_MS);
}

function siteName(contest, key) {
  const data = state.contests.get(contest) || {};
  return ((((data.roster || {}).sites) || {})[key] || {}).name || key;
}

// A goal: who and when in the headline, the sides below, and the score big on the right, so it always shows.
function goalNews(id, message, kind, headline) {
  return { kind, icon: kind === "goal" ? "ball" : "var", headline,
    detail: `${siteName(id, message.home)} – ${siteName(id, message.away)}`,
    points: `${message.score.home}–${message.score.away}` };
}

function onDelta(event, message) {
  touched();
  const id = contestId(message.topic);
  if (event === "sale") {
    band.sale(message);
  } else if (event === "prize") {
    band.prize(message);
    feed.refresh(message.topic); // the instant prizes slide: one less left, a new winner
  } else if (event === "match.goal") {
    band.add(goalNews(id, message, "goal", `${t("goal")} ${message.agent.name} ${message.minute}'`));
    feed.refresh(message.topic);
  } else if (event === "match.disallowed") {
    band.add(goalNews(id, message, "goal var", `${t("var")}: ${t("goal_disallowed", { name: message.agent.name })}`));
    feed.refresh(message.topic);
  } else if (event === "cup.corrected") {
    band.add({ kind: "goal var", icon: "var", headline: t("var"), detail: message.bracket_changed
      ? t("cup_rematched", { round: message.round, home: siteName(id, message.after.home), away: siteName(id, message.after.away) })
      : t("cup_would_win", { name: siteName(id, message.winner) }) });
    feed.refresh(message.topic);
  } else if (event === "draw.winner") {
    if (!state.ceremony || state.ceremony.contest !== id) {
      state.ceremony = { contest: id, winners: [], revealed: 0 };
      showSlideOf(id, "lucky_draw");
      setTimeout(reveal, REVEAL_MS);
    }
    state.ceremony.winners.push({ ...message, agent_name: message.agent_name || message.agent });
    render();
    feed.refresh(message.topic); // the draw's status moved on: the facts beside the reels say so
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
  if (name !== "live") band.forget();
  const badge = document.getElementById("connection");
  badge.dataset.state = name === "refused" ? "offline" : name;
  badge.textContent = name === "live" ? t("live") : name === "refused" ? t("not_paired")
    : [t("reconnecting"), since ? t("offline_since", { time: since }) : null].filter(Boolean).join(" · ");
}

setInterval(() => {
  for (const node of stage.querySelectorAll(".countdown")) node.textContent = countdownText(node.dataset.ends);
}, 1000);

async function start() {
  setIconBase(body.dataset.icons);
  await loadStrings(body.dataset.strings, body.dataset.language);
  feed = new LiveFeed({ token: token(), subscriptions: [{ channel: channelKey }], onSnapshot, onDelta, onState });
  window.leaderboardFeed = feed; // for the browser tests and for debugging on a TV
}

start();
