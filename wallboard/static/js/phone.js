// The phone page: after a push it asks the socket for its own numbers (JSON) and puts them in place.
// Nothing is re-fetched as HTML and no form control is touched, so a half-made choice survives.
import { el } from "./dom.js";
import { LiveFeed } from "./live.js";

const contests = (document.body.dataset.contests || "").split(",").filter(Boolean).map(Number);
const cards = document.getElementById("cards");
let pending = null;

function setText(root, field, text) {
  const node = root.querySelector(`[data-field="${field}"]`);
  if (node && node.textContent !== text) node.textContent = text;
}

function show(root, block, visible) {
  const node = root.querySelector(`[data-block="${block}"]`);
  if (node) node.hidden = !visible;
}

function cardFor(id) {
  let node = cards.querySelector(`section[data-contest="${id}"]`);
  if (!node) {
    node = document.getElementById("card-template").content.firstElementChild.cloneNode(true);
    node.dataset.contest = id;
    cards.append(node);
  }
  return node;
}

function fillCard(card) {
  const node = cardFor(card.id);
  setText(node, "name", card.name);
  setText(node, "rank", card.rank);
  setText(node, "points", card.points);
  const gap = node.querySelector('[data-field="gap"]');
  setText(node, "gap", card.gap === null ? gap.dataset.leadText : card.gap);
  show(node, "unqualified", !card.qualified);
  show(node, "tickets", card.tickets !== null);
  if (card.tickets) {
    setText(node, "tickets", card.tickets.count);
    setText(node, "odds", card.tickets.odds);
    setText(node, "commitment", card.tickets.commitment);
  }
  show(node, "match", card.match !== null);
  if (card.match) {
    setText(node, "minute", card.match.minute);
    setText(node, "score", card.match.score);
    setText(node, "my-goals", card.match.my_goals);
  }
  show(node, "table", card.table.length > 0);
  node.querySelector('[data-list="table"]').replaceChildren(
    ...card.table.map((row) => el("tr", {}, ...row.map((text, i) => el("td", { class: i === 1 ? "ellipsis" : null, text })))));
  node.querySelector('[data-list="nearby"]').replaceChildren(...card.nearby.map((row) => el("li", { class: row.me ? "me" : null },
    el("span", { class: "ellipsis", text: row.text }), el("span", { text: row.points }))));
}

function render(numbers) {
  const live = new Set(numbers.cards.map((card) => String(card.id)));
  for (const node of cards.querySelectorAll("section[data-contest]")) if (!live.has(node.dataset.contest)) node.remove();
  numbers.cards.forEach(fillCard);
  document.getElementById("no-contest").hidden = numbers.cards.length > 0;
  for (const [field, text] of Object.entries(numbers.earnings)) {
    const node = document.querySelector(`[data-earning="${field}"]`);
    if (node && node.textContent !== text) node.textContent = text;
  }
  document.querySelector('[data-list="celebrations"]').replaceChildren(
    ...numbers.celebrations.map((text) => el("li", {}, el("span", { class: "ellipsis", text }))));
}

function soon() {
  // Several pushes in a row: one request.
  if (pending === null) pending = setTimeout(() => { pending = null; feed.socket.emit("me"); }, 300);
}

const feed = new LiveFeed({
  token: null, // the session cookie of the personal link signs the socket in
  subscriptions: contests.map((contest) => ({ contest })),
  onSnapshot: () => soon(),
  // A sale is always followed by its standings delta: asking once, after that, is enough.
  onDelta: (event) => { if (event !== "sale") soon(); },
  onState: (name, since) => {
    const badge = document.getElementById("connection");
    badge.dataset.state = name;
    badge.textContent = name === "live" ? badge.dataset.liveText : `${badge.dataset.reconnectingText}${since ? " · " + since : ""}`;
  },
});
feed.socket.on("me", render);
