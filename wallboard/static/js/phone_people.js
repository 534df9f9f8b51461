// The phone's people section: the goal poster, kudos received and the kudos left today follow live updates.
// Forms are never touched (a half-typed message survives); data comes from /me/people.json as JSON and
// every user-entered string reaches the page through textContent.
import { el } from "./dom.js";

const root = document.getElementById("people");
const lang = document.documentElement.lang || undefined;
const REFRESH_EVENTS = new Set(["people", "me.card"]); // and "sale" deltas of my own sales
const SITE_JITTER_MS = 2000; // a kudos at the site wakes every phone there: spread their requests
let timer = null;

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : `{${name}}`));
}

function money(amount, currency) {
  try {
    return new Intl.NumberFormat(lang, { style: "currency", currency }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
}

function field(name) {
  return root.querySelector(`[data-field="${name}"]`);
}

function setText(name, text) {
  const node = field(name);
  if (node && node.textContent !== text) node.textContent = text;
}

function show(block, visible) {
  const node = root.querySelector(`[data-block="${block}"]`);
  if (node) node.hidden = !visible;
}

// Reaching the goal is celebrated once per goal on this phone (the date it was reached is the goal's mark).
function celebrate(goal) {
  if (!goal || !goal.reached_at) return;
  const mark = `leaderboard.goal-reached.${goal.title}.${goal.reached_at}`;
  try {
    if (localStorage.getItem(mark)) return;
    localStorage.setItem(mark, "1");
  } catch {
    // private mode: celebrate anyway
  }
  const poster = document.getElementById("goal-poster");
  poster.classList.remove("celebrate");
  void poster.offsetWidth; // restart the animation
  poster.classList.add("celebrate");
}

// The one-line reminder on the first screen follows the poster.
function fillGoalStrip(goal) {
  const strip = document.querySelector("[data-goal-strip]");
  if (!strip) return;
  strip.hidden = !goal;
  if (!goal) return;
  strip.querySelector("[data-goal-strip-title]").textContent = goal.title;
  strip.querySelector("[data-goal-strip-bar]").value = goal.progress;
}

function fillGoal(goal) {
  fillGoalStrip(goal);
  const poster = document.getElementById("goal-poster");
  show("poster", Boolean(goal));
  show("no-goal", !goal);
  if (!goal) return;
  setText("title", goal.title);
  field("bar").value = goal.progress;
  setText("saved", fill(root.dataset.savedText, { saved: money(goal.saved_confirmed, goal.currency),
    target: money(goal.target_amount, goal.currency) }));
  setText("pending", Number(goal.saved_pending) > 0
    ? fill(root.dataset.pendingText, { pending: money(goal.saved_pending, goal.currency) }) : "");
  const picture = field("picture");
  if (goal.picture) { if (picture.getAttribute("src") !== goal.picture) picture.src = goal.picture; picture.hidden = false; }
  else picture.hidden = true;
  poster.classList.toggle("reached", Boolean(goal.reached_at));
  show("reached", Boolean(goal.reached_at));
  if (goal.reached_at) {
    const date = new Date(goal.reached_at).toLocaleDateString(lang, { day: "numeric", month: "short", year: "numeric" });
    setText("reached", fill(root.dataset.reachedText, { date }));
  }
  celebrate(goal);
}

function fillKudos(data) {
  setText("kudos-left", fill(root.dataset.leftText, { count: data.kudos_left }));
  const list = root.querySelector('[data-list="received"]');
  const items = data.received.map((k) => el("li", { "data-kudos": k.id },
    el("span", { class: "value-tag", text: k.value_label }), " ",
    el("strong", { dir: "auto", text: k.from.name || root.dataset.leadText }),
    k.message ? el("span", { class: "kudos-message", dir: "auto", text: k.message }) : null));
  list.replaceChildren(...(items.length ? items : [el("li", { class: "muted", text: root.dataset.nobodyText })]));
}

async function refresh() {
  timer = null;
  const response = await fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const data = await response.json();
  fillGoal(data.goal);
  fillKudos(data);
  // A pulse answered elsewhere (or closed) leaves; a new one is announced (its form comes with the page).
  const open = new Set(data.pulses.map((p) => String(p.id)));
  const shown = new Set();
  for (const card of document.querySelectorAll("#pulses [data-pulse]")) {
    if (open.has(card.dataset.pulse)) shown.add(card.dataset.pulse);
    else card.remove();
  }
  document.getElementById("new-pulse").hidden = [...open].every((id) => shown.has(id));
}

function later(ms) {
  if (timer === null) timer = setTimeout(refresh, ms);
}

if (root) {
  document.addEventListener("leaderboard:delta", (event) => {
    const { event: name, message } = event.detail || {};
    const mySale = name === "sale" && message && message.agent && message.agent.key === root.dataset.agent;
    if (!REFRESH_EVENTS.has(name) && !mySale) return;
    later(name === "people" ? 200 + Math.random() * SITE_JITTER_MS : 300);
  });
  window.leaderboardPeople = { refresh }; // for the browser tests and for debugging
  const goal = document.getElementById("goal-poster");
  if (goal.classList.contains("reached")) later(0); // the first view of a reached goal celebrates it
}
