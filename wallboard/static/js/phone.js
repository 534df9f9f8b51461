// The phone page: numbers arrive as data and are put in place; nothing is fetched again as HTML and no
// form control is touched, so a half-made choice survives. Personal numbers come on the agent's own
// topic (only when they changed); match, table and ticket totals come from the contests' lean shared pictures.
import { el } from "./dom.js";
import { LiveFeed } from "./live.js";
import { fillCard, number } from "./phone_cards.js";

const CELEBRATIONS = 8;
const LOOK_AGAIN_JITTER_MS = 5000; // spreads a site's phones when a contest starts or ends
const lang = document.documentElement.lang || undefined;
const featured = document.getElementById("featured");
const cards = document.getElementById("cards");
const subscribed = new Set((document.body.dataset.contests || "").split(",").filter(Boolean));
const mine = { topic: null, agent: null, cards: new Map() };
let celebrations = [];
let lookAgain = null;

function money(amount, currency) {
  if (!currency) return number(Number(amount));
  return new Intl.NumberFormat(lang, { style: "currency", currency }).format(Number(amount));
}

function cardNode(id) {
  let node = document.querySelector(`details[data-contest="${id}"]`);
  if (!node) {
    node = document.getElementById("card-template").content.firstElementChild.cloneNode(true);
    node.dataset.contest = id;
    cards.append(node);
  }
  return node;
}

function fill(card) {
  fillCard(cardNode(card.id), card, mine.agent);
}

// First screen: my best race and my match, open; the other contests below, compact, in the server's order.
function place(order, featuredIds) {
  for (const card of order) {
    const node = cardNode(card.id);
    const isFeatured = featuredIds.includes(card.id);
    (isFeatured ? featured : cards).append(node);
    if (node.dataset.featured !== String(isFeatured)) { // a tap a person made stays as it is
      node.dataset.featured = String(isFeatured);
      node.classList.toggle("featured", isFeatured);
      node.open = isFeatured;
    }
  }
  document.getElementById("others-title").hidden = cards.children.length === 0;
}

function renderEarnings(earnings) {
  for (const field of ["pending", "confirmed", "clawed_back", "donated"]) {
    const text = money(earnings[field], earnings.currency);
    for (const node of document.querySelectorAll(`[data-earning="${field}"]`)) {
      if (node.textContent !== text) node.textContent = text;
    }
  }
}

function renderCelebrations() {
  document.querySelector('[data-list="celebrations"]').replaceChildren(...celebrations.map((c) =>
    el("li", { text: `${c.agent} · ${c.product} · +${number(c.points)}` })));
}

// The agent topic's snapshot: everything, after sign-in, a resync, or a contest starting or ending.
function renderAll(snapshot) {
  mine.agent = snapshot.agent;
  const before = mine.cards;
  mine.cards = new Map(snapshot.cards.map((card) => [String(card.id), card]));
  for (const node of document.querySelectorAll("details[data-contest]")) {
    if (!mine.cards.has(node.dataset.contest)) node.remove();
  }
  for (const card of mine.cards.values()) {
    const known = before.get(String(card.id)); // what the contest's picture told us stays until it speaks again
    if (known) Object.assign(card, { podium: known.podium, holders: known.holders });
    fill(card);
    if (!subscribed.has(String(card.id))) {
      subscribed.add(String(card.id));
      feed.subscribe({ phone: card.id });
    }
  }
  place(snapshot.cards, snapshot.featured || []);
  document.getElementById("no-contest").hidden = mine.cards.size > 0;
  renderEarnings(snapshot.earnings);
  celebrations = snapshot.celebrations.slice(0, CELEBRATIONS);
  renderCelebrations();
  scheduleLookAgain(snapshot.next_change_at);
}

function scheduleLookAgain(at) {
  clearTimeout(lookAgain);
  if (!at) return;
  const wait = Math.max(0, Date.parse(at) - Date.now()) + Math.random() * LOOK_AGAIN_JITTER_MS;
  lookAgain = setTimeout(() => feed.refresh(mine.topic), Math.min(wait, 2 ** 31 - 1));
}

// A personal delta: this agent's own line on one contest moved.
function applyPersonal(message) {
  const card = mine.cards.get(String(message.card.contest_id));
  if (!card) return;
  const { rank, points, qualified, gap, nearby, tickets } = message.card;
  Object.assign(card, { rank, points, qualified, gap, nearby, tickets, invited: false }); // on the board now
  for (const name of ["sales", "saves", "assists"]) {
    if (message.card[name] !== undefined && message.card[name] !== null) card.counts = { ...card.counts, [name]: message.card[name] };
  }
  fill(card);
  if (message.earnings) renderEarnings(message.earnings);
}

// A contest's shared picture (snapshot or standings delta): the parts every phone of the contest shares.
function applyPicture(contestId, picture) {
  const card = mine.cards.get(contestId);
  if (!card || !picture || !mine.agent) return;
  if (picture.contest) card.name = picture.contest.name;
  if (picture.tickets) Object.assign(card, { tickets_total: picture.tickets.total, holders: picture.tickets.holders });
  if ("podium" in picture) card.podium = picture.podium;
  if (picture.matches) {
    const site = mine.agent.site;
    card.match = picture.matches.find((m) => m.status === "live" && (m.home === site || m.away === site)) || null;
  }
  if (picture.table && card.format !== "cup") card.table = picture.table.rows;
  fill(card);
}

const seenSales = [];

function onSale(message) {
  // A sale counted in several of my contests arrives once per contest: celebrate it once.
  if (seenSales.includes(message.sale)) return;
  seenSales.push(message.sale);
  if (seenSales.length > 4 * CELEBRATIONS) seenSales.shift();
  celebrations.unshift({ agent: message.agent.name, product: message.product.name, points: message.points });
  celebrations = celebrations.slice(0, CELEBRATIONS);
  renderCelebrations();
}

// Phones follow a contest's lean topic: the same deltas as TVs get, a picture without boards or chart.
const contestOf = (topic) => (topic.startsWith("phone:") ? topic.slice("phone:".length) : null);

const feed = new LiveFeed({
  token: null, // the session cookie of the personal link signs the socket in
  subscriptions: [{ me: true }, ...[...subscribed].map((id) => ({ phone: Number(id) }))],
  onSnapshot: (topic, data) => {
    document.dispatchEvent(new CustomEvent("leaderboard:snapshot", { detail: { topic, data } }));
    if (topic.startsWith("agent:")) {
      mine.topic = topic;
      renderAll(data);
    } else if (contestOf(topic)) {
      applyPicture(contestOf(topic), data);
    }
  },
  onDelta: (event, message) => {
    // The page's other modules (prizes, people) listen to the same feed.
    document.dispatchEvent(new CustomEvent("leaderboard:delta", { detail: { event, message } }));
    const contest = contestOf(message.topic);
    if (event === "me.card") applyPersonal(message);
    else if (event === "contests") setTimeout(() => feed.refresh(mine.topic), Math.random() * LOOK_AGAIN_JITTER_MS);
    else if (event === "sale") onSale(message);
    else if (event === "standings" && message.data) applyPicture(contest, message.data);
    else if (contest) feed.refresh(message.topic); // goals, statuses, draws: the shared picture, from cache
  },
  onState: (name, since) => {
    const badge = document.getElementById("connection");
    badge.dataset.state = name;
    badge.textContent = name === "live" ? badge.dataset.liveText : `${badge.dataset.reconnectingText}${since ? " · " + since : ""}`;
  },
});
