// The instant prizes slide: each prize with how it is won and what is left, beside the latest winners.
import { el } from "../dom.js";
import { formatNumber, formatTime, t } from "./i18n.js";

export const WINNERS_SHOWN = 5;
export const OFFERS_SHOWN = 3;

function howToWin(when) {
  if (when.kind === "first_sale_of_day") return t("prize_first_sale");
  if (when.kind === "every_nth") return t(when.scope === "site" ? "prize_every_nth_site" : "prize_every_nth_contest", { n: when.n });
  if (when.kind === "product") {
    return when.min_amount === null ? t("prize_product", { product: when.product })
      : t("prize_product_min", { product: when.product, amount: formatNumber(when.min_amount) });
  }
  const percent = Number(when.probability * 100).toLocaleString(undefined, { maximumSignificantDigits: 3 });
  return t("prize_chance", { chance: `${percent} %`.replace(" %", "%") });
}

function offer(item) {
  const share = item.stock ? item.left / item.stock : 0;
  return el("article", { class: `prize-offer${item.left ? "" : " gone"}`, "data-key": `offer-${item.prize}` },
    el("h3", { class: "prize-offer-name ellipsis", text: item.prize, dir: "auto" }),
    el("p", { class: "prize-offer-when", text: howToWin(item.when), dir: "auto" }),
    el("div", { class: "prize-bar" }, el("div", { class: "prize-fill", "data-share": share.toFixed(2) })),
    el("p", { class: "prize-offer-left", text: item.left ? t("prize_left", { left: formatNumber(item.left), stock: formatNumber(item.stock) })
      : t("prize_gone") }));
}

function winner(item) {
  return el("li", { class: "prize-winner", "data-key": `win-${item.id}` },
    el("span", { class: "prize-winner-name ellipsis", text: item.agent.name, dir: "auto" }),
    el("span", { class: "prize-winner-prize ellipsis", text: item.prize, dir: "auto" }),
    el("span", { class: "prize-winner-time", text: formatTime(new Date(item.won_at)) }));
}

export function instantPrizes(_slide, data, page = 0) {
  const prizes = data.prizes;
  if (!prizes) return { nodes: [el("div", { class: "message", text: t("prizes_none_here") })], pages: 1 };
  // More prizes than fit: pages of three, the winners staying beside each page.
  const pages = Math.max(1, Math.ceil(prizes.offers.length / OFFERS_SHOWN));
  const first = (page % pages) * OFFERS_SHOWN;
  const offers = prizes.offers.slice(first, first + OFFERS_SHOWN).map(offer);
  const wins = prizes.wins.slice(0, WINNERS_SHOWN);
  const node = el("div", { class: "prize-slide" },
    el("section", { class: "prize-offers" }, el("h2", { class: "prize-heading", text: t("prizes_to_win") }), ...offers),
    el("section", { class: "prize-winners" }, el("h2", { class: "prize-heading", text: t("prizes_latest") }),
      wins.length ? el("ol", { class: "prize-winner-list" }, ...wins.map(winner))
        : el("p", { class: "prize-none", text: t("prizes_no_winner") })));
  // The fill's width comes from a custom property set here (no inline style attribute under the CSP).
  for (const fill of node.querySelectorAll(".prize-fill")) fill.style.setProperty("--share", fill.dataset.share);
  return { nodes: [node], pages };
}
