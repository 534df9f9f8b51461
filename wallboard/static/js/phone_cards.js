// One contest card on the phone, filled in place from its data (leaderboard/web/phone_data.py): a race shows my
// rank, gap and next goal; a draw my tickets, odds per prize and draw time (never a rank); a league or cup my
// site's match, the next fixture, and the table (leagues) or the round (cups). Text only, never HTML.
import { el } from "./dom.js";
import { prizeOdds } from "./phone_odds.js";

const lang = document.documentElement.lang || undefined;
const numberFormat = new Intl.NumberFormat(lang);
const percentFormat = new Intl.NumberFormat(lang, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
// Times in the agent's site's time zone, as the page says under the cards.
const whenFormat = new Intl.DateTimeFormat(lang, { weekday: "short", day: "numeric", month: "short", hour: "2-digit",
  minute: "2-digit", timeZone: document.body.dataset.timezone || undefined });
const plural = new Intl.PluralRules(lang);
const PODIUM = 3;

export const number = (value) => numberFormat.format(value);
const when = (iso) => whenFormat.format(new Date(iso));
const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");

function percent(p) {
  if (p > 0 && p < 0.001) return `< ${percentFormat.format(0.001)}`;
  return percentFormat.format(p);
}

function setText(root, field, text) {
  const node = root.querySelector(`[data-field="${field}"]`);
  if (node && node.textContent !== text) node.textContent = text;
}

function show(root, block, visible) {
  const node = root.querySelector(`[data-block="${block}"]`);
  if (node) node.hidden = !visible;
}

function headline(node, card) {
  const head = node.querySelector('[data-field="headline"]');
  if (card.invited) return "";
  if (card.kind === "race") return card.rank ? `#${card.rank}` : "";
  if (card.kind === "lucky_draw") {
    const form = plural.select(card.tickets || 0) === "one" ? head.dataset.ticketOne : head.dataset.ticketOther;
    return fill(form, { num: number(card.tickets || 0) });
  }
  if (card.match) return `${card.match.score.home}–${card.match.score.away} · ${card.match.minute}'`;
  return card.next_match ? when(card.next_match.starts_at) : "";
}

function fillRace(node, card, me) {
  const onBoard = card.rank !== null; // a colleague outside sales has a card but no line on the board
  setText(node, "rank", onBoard ? String(card.rank) : "–");
  setText(node, "points", onBoard ? number(card.points) : "–");
  const gap = node.querySelector('[data-field="gap"]');
  setText(node, "gap", !onBoard ? "–" : card.gap === null ? gap.dataset.leadText : number(card.gap));
  const podiumGap = onBoard && card.podium != null && card.rank > PODIUM ? card.podium - card.points : null;
  show(node, "podium", podiumGap !== null);
  if (podiumGap !== null) setText(node, "podium", number(podiumGap));
  // The next goal: the podium from afar, then the closest colleague above, then keeping the lead.
  const goal = node.querySelector('[data-field="goal"]');
  const above = card.nearby.filter((row) => row.points > card.points).sort((a, b) => a.points - b.points)[0];
  const below = card.nearby.filter((row) => row.points < card.points).sort((a, b) => b.points - a.points)[0];
  let text = "";
  if (podiumGap !== null) text = goal.dataset.podiumText;
  else if (onBoard && card.gap === null) text = below ? `${goal.dataset.leadText} · +${number(card.points - below.points)}` : goal.dataset.leadText;
  else if (onBoard && above) text = fill(goal.dataset.overtakeText, { name: above.name });
  setText(node, "goal", text);
  show(node, "goal", Boolean(text));
  const counts = card.counts || {};
  show(node, "counts", Object.keys(counts).length > 0);
  for (const name of ["sales", "saves", "assists"]) {
    const span = node.querySelector(`[data-count="${name}"]`);
    if (span) span.hidden = counts[name] === undefined;
    if (counts[name] !== undefined) setText(node, `count-${name}`, number(counts[name]));
  }
  show(node, "unqualified", !card.qualified);
  node.querySelector('[data-list="nearby"]').replaceChildren(...card.nearby.map((row) =>
    el("li", { class: row.key === me.key ? "me" : null },
      el("span", { class: "who", text: `${row.rank}. ${row.name}` }), el("span", { text: number(row.points) }))));
}

function fillDraw(node, card) {
  setText(node, "tickets", number(card.tickets || 0));
  setText(node, "tickets-total", number(card.tickets_total || 0));
  const list = node.querySelector('[data-list="odds"]');
  const key = JSON.stringify([card.tickets, card.tickets_total, card.holders, card.prizes, card.one_prize_per_agent]);
  if (list.dataset.key !== key) { // the odds cost a little: work them out only when their inputs moved
    list.dataset.key = key;
    // Ticket by ticket only the total matters; one prize per agent needs everyone's counts (the draw's picture).
    const holders = card.holders || (card.one_prize_per_agent ? null : [[1, card.tickets_total || 0]]);
    const odds = holders && prizeOdds({ mine: card.tickets || 0, holders, prizes: card.prizes,
      onePerAgent: card.one_prize_per_agent });
    const rows = card.prizes.map((prize, i) => el("li", {},
      el("span", { class: "who", text: prize.quantity > 1 ? `${prize.name} ×${prize.quantity}` : prize.name }),
      el("span", { class: "value", text: odds ? percent(odds.perPrize[i]) : "…" })));
    if (card.prizes.length > 1) {
      rows.push(el("li", { class: "any" }, el("span", { class: "who", text: list.dataset.anyText }),
        el("span", { class: "value", text: odds ? percent(odds.any) : "…" })));
    }
    list.replaceChildren(...rows);
  }
  const drawAt = node.querySelector('[data-field="draw-at"]');
  drawAt.setAttribute("datetime", card.ends_at);
  setText(node, "draw-at", when(card.ends_at));
  setText(node, "commitment", card.commitment);
}

function fillLeague(node, card, me) {
  const match = card.match;
  show(node, "match", Boolean(match));
  show(node, "no-match", !match);
  if (match) {
    setText(node, "minute", `${match.minute}'`);
    setText(node, "home-name", match.home_name);
    setText(node, "home-goals", String(match.score.home));
    setText(node, "away-name", match.away_name);
    setText(node, "away-goals", String(match.score.away));
    const goals = match.goals.filter((goal) => goal.agent === me.key && !goal.disallowed);
    setText(node, "my-goals", number(goals.length));
  }
  const next = card.next_match && (!match || card.next_match.id !== match.id) ? card.next_match : null;
  show(node, "next-match", Boolean(next));
  if (next) {
    setText(node, "next-match", `${next.home_name} – ${next.away_name}`);
    setText(node, "next-at", when(next.starts_at));
  }
  const round = (match || next || {}).round;
  const roundNode = node.querySelector('[data-block="round"]');
  roundNode.hidden = !round || !card.rounds;
  if (round && card.rounds) {
    const text = card.format === "cup" && round === card.rounds ? roundNode.dataset.finalText
      : fill(roundNode.dataset.roundText, { round: number(round), rounds: number(card.rounds) });
    if (roundNode.textContent !== text) roundNode.textContent = text;
  }
  show(node, "table", card.table.length > 0);
  node.querySelector('[data-list="table"]').replaceChildren(...card.table.map((row) => el("tr", {},
    ...[row.rank, row.name, row.played, row.goal_difference, row.points].map((value, i) =>
      el("td", { class: i === 1 ? "wrap" : null, text: String(value) })))));
}

export function fillCard(node, card, me) {
  node.dataset.kind = card.kind;
  setText(node, "name", card.name);
  // Opt-in contests: an invitation until the agent takes part, then a way to leave.
  for (const form of node.querySelectorAll("form[data-consent]")) {
    form.setAttribute("action", form.getAttribute("action").replace(/\/\d+\/consent$/, `/${card.id}/consent`));
  }
  show(node, "invite", card.invited);
  show(node, "numbers", !card.invited);
  show(node, "leave", card.opt_in && !card.invited);
  setText(node, "headline", headline(node, card));
  if (card.invited) return;
  show(node, "race", card.kind === "race");
  show(node, "tickets", card.kind === "lucky_draw");
  show(node, "league", card.kind === "league");
  if (card.kind === "race") fillRace(node, card, me);
  else if (card.kind === "lucky_draw") fillDraw(node, card);
  else if (card.kind === "league") fillLeague(node, card, me);
}
