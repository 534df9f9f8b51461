// The phone page: numbers arrive as data and are put in place; nothing is fetched again as HTML and no
// form control is touched, so a half-made choice survives. Personal numbers come on the agent's own
// topic (only when they changed); match, table and ticket totals come from the contests' lean shared pictures.
import { el } from "./dom.js";
import { LiveFeed } from "./live.js";

const CELEBRATIONS = 8;
const LOOK_AGAIN_JITTER_MS = 5000; // spreads a site's phones when a contest starts or ends
const lang = document.documentElement.lang || undefined;
const numberFormat = new Intl.NumberFormat(lang);
const percentFormat = new Intl.NumberFormat(lang, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
const cards = document.getElementById("cards");
const subscribed = new Set((document.body.dataset.contests || "").split(",").filter(Boolean));
const mine = { topic: null, agent: null, cards: new Map() };
let celebrations = [];
let lookAgain = null;

const number = (value) => numberFormat.format(value);

function money(amount, currency) {
  if (!currency) return number(Number(amount));
  return new Intl.NumberFormat(lang, { style: "currency", currency }).format(Number(amount));
}

function setText(root, field, text) {
  const node = root.querySelector(`[data-field="${field}"]`);
  if (node && node.textContent !== text) node.textContent = text;
}

function show(root, block, visible) {
  const node = root.querySelector(`[data-block="${block}"]`);
  if (node) node.hidden = !visible;
}

function cardNode(id) {
  let node = cards.querySelector(`section[data-contest="${id}"]`);
  if (!node) {
    node = document.getElementById("card-template").content.firstElementChild.cloneNode(true);
    node.dataset.contest = id;
    cards.append(node);
  }
  return node;
}

function fillCard(card) {
  const node = cardNode(card.id);
  setText(node, "name", card.name);
  // Opt-in contests: an invitation until the agent takes part, then a way to leave.
  for (const form of node.querySelectorAll("form[data-consent]")) {
    form.setAttribute("action", form.getAttribute("action").replace(/\/\d+\/consent$/, `/${card.id}/consent`));
  }
  show(node, "invite", card.invited);
  show(node, "numbers", !card.invited);
  show(node, "leave", card.opt_in && !card.invited);
  if (card.invited) return;
  setText(node, "rank", String(card.rank));
  setText(node, "points", number(card.points));
  const gap = node.querySelector('[data-field="gap"]');
  setText(node, "gap", card.gap === null ? gap.dataset.leadText : number(card.gap));
  show(node, "unqualified", !card.qualified);
  show(node, "tickets", card.tickets !== null);
  if (card.tickets !== null) {
    setText(node, "tickets", String(card.tickets));
    setText(node, "odds", percentFormat.format(card.tickets_total ? card.tickets / card.tickets_total : 0));
    setText(node, "commitment", card.commitment);
  }
  const match = card.match;
  show(node, "match", Boolean(match));
  if (match) {
    setText(node, "minute", `${match.minute}'`);
    setText(node, "score", `${match.home_name} ${match.score.home} – ${match.score.away} ${match.away_name}`);
    const goals = match.goals.filter((goal) => goal.agent === mine.agent.key && !goal.disallowed);
    setText(node, "my-goals", String(goals.length));
  }
  show(node, "table", card.table.length > 0);
  node.querySelector('[data-list="table"]').replaceChildren(...card.table.map((row) => el("tr", {},
    ...[row.rank, row.name, row.played, row.goal_difference, row.points].map((value, i) =>
      el("td", { class: i === 1 ? "ellipsis" : null, text: String(value) })))));
  node.querySelector('[data-list="nearby"]').replaceChildren(...card.nearby.map((row) =>
    el("li", { class: row.key === mine.agent.key ? "me" : null },
      el("span", { class: "ellipsis", text: `${row.rank}. ${row.name}` }), el("span", { text: number(row.points) }))));
}

function renderEarnings(earnings) {
  for (const field of ["pending", "confirmed", "clawed_back", "donated"]) {
    const node = document.querySelector(`[data-earning="${field}"]`);
    const text = money(earnings[field], earnings.currency);
    if (node && node.textContent !== text) node.textContent = text;
  }
}

function renderCelebrations() {
  document.querySelector('[data-list="celebrations"]').replaceChildren(...celebrations.map((c) =>
    el("li", {}, el("span", { class: "ellipsis", text: `${c.agent} · ${c.product} · +${number(c.points)}` }))));
}

// The agent topic's snapshot: everything, after sign-in, a resync, or a contest starting or ending.
function renderAll(snapshot) {
  mine.agent = snapshot.agent;
  mine.cards = new Map(snapshot.cards.map((card) => [String(card.id), card]));
  for (const node of cards.querySelectorAll("section[data-contest]")) {
    if (!mine.cards.has(node.dataset.contest)) node.remove();
  }
  for (const card of mine.cards.values()) {
    fillCard(card);
    if (!subscribed.has(String(card.id))) {
      subscribed.add(String(card.id));
      feed.subscribe({ phone: card.id });
    }
  }
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
  fillCard(card);
  if (message.earnings) renderEarnings(message.earnings);
}

// A contest's shared picture (snapshot or standings delta): the parts every phone of the contest shares.
function applyPicture(contestId, picture) {
  const card = mine.cards.get(contestId);
  if (!card || !picture || !mine.agent) return;
  if (picture.contest) card.name = picture.contest.name;
  if (picture.tickets) card.tickets_total = picture.tickets.total;
  if (picture.matches) {
    const site = mine.agent.site;
    card.match = picture.matches.find((m) => m.status === "live" && (m.home === site || m.away === site)) || null;
  }
  if (picture.table) card.table = picture.table.rows;
  fillCard(card);
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
