// Kudos: the latest thanks between colleagues, each with the company value it names.
import { el } from "../dom.js";
import { currentLocale, formatTime, t } from "./i18n.js";
import { nameNode } from "./people.js";

export const KUDOS_PER_PAGE = 4; // two by two: the message stays readable from across the room

function valueName(value) {
  const key = `value_${value}`;
  const label = t(key);
  return label === key ? value : label;
}

// Today's kudos by the time; older ones by the day as well.
function when(date) {
  const today = new Date().toDateString() === date.toDateString();
  return today ? formatTime(date) : `${date.toLocaleDateString(currentLocale(), { day: "numeric", month: "short" })} ${formatTime(date)}`;
}

function card(item) {
  const giver = item.from.name || t("team_lead");
  return el("article", { class: "kudos-card", "data-key": `kudos-${item.id}` },
    el("span", { class: "kudos-value", text: valueName(item.value) }),
    el("p", { class: "kudos-line" }, nameNode(giver, "kudos-from ellipsis"), el("span", { class: "kudos-arrow", text: "→" }),
      nameNode(item.to.name, "kudos-to ellipsis")),
    item.message ? el("p", { class: "kudos-message", text: item.message, dir: "auto" }) : null,
    el("p", { class: "kudos-time", text: when(new Date(item.given_at)) }));
}

export function kudos(_slide, data, page) {
  const items = (data.people || {}).kudos || [];
  if (!items.length) return { nodes: [el("div", { class: "message", text: t("kudos_empty") })], pages: 1 };
  const pages = Math.ceil(items.length / KUDOS_PER_PAGE);
  const shown = items.slice((page % pages) * KUDOS_PER_PAGE, (page % pages + 1) * KUDOS_PER_PAGE);
  return { nodes: [el("div", { class: "kudos-wall" }, el("h2", { class: "people-heading", text: t("kudos_title") }),
    el("div", { class: "kudos-grid" }, ...shown.map(card)))], pages };
}
