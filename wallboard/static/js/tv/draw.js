// Lucky draw: tickets, countdown and commitment before; a reel per prize that lands on the proof's winner after.
import { el } from "../dom.js";
import { formatNumber, t } from "./i18n.js";
import { avatar, icon, nameNode, rowLook, toneClass } from "./people.js";

const HOLDERS_SHOWN = 6;
const REEL_TICK_MS = 90;

export function countdownText(endsAt, now = Date.now()) {
  const left = Math.max(0, new Date(endsAt) - now);
  if (left === 0) return t("draw_time");
  const total = Math.floor(left / 1000);
  const days = Math.floor(total / 86400);
  const clock = [Math.floor(total / 3600) % 24, Math.floor(total / 60) % 60, total % 60]
    .map((n) => String(n).padStart(2, "0")).join(":");
  return days ? `${t("days", { days })} ${clock}` : clock;
}

function agentLook(data, key) {
  const row = (((data.standings || {}).agent) || []).find((r) => r.key === key);
  return row ? rowLook(row, "agent", data.roster) : { tone: null, sub: "" };
}

function holder(data, entry) {
  const look = agentLook(data, entry.agent);
  const photo = (((data.roster || {}).photos) || {})[entry.agent];
  return el("div", { class: `holder ${toneClass(look.tone) || ""}`, "data-key": entry.agent },
    avatar(entry.name, photo, look.tone), nameNode(entry.name, "ellipsis"),
    el("span", { class: "count" }, icon("ticket"), el("span", { text: formatNumber(entry.count) })));
}

function facts(contest, tickets) {
  const draw = contest.draw || {};
  return el("div", { class: "draw-facts" },
    el("div", { class: "label", text: t("tickets_in_draw") }),
    el("div", { class: "total" }, icon("ticket"), el("span", { text: formatNumber(tickets.total) })),
    el("div", { class: "label", text: draw.status === "drawn" ? t("drawn") : draw.tickets_digest ? t("frozen") : t("draw_in") }),
    draw.tickets_digest ? null : el("div", { class: "countdown", "data-ends": contest.ends_at, text: countdownText(contest.ends_at) }),
    el("div", { class: "label", text: t("commitment") }),
    el("div", { class: "commitment", text: draw.commitment || "" }),
    ...(draw.tickets_digest ? [el("div", { class: "label", text: t("digest") }),
      el("div", { class: "commitment digest", text: draw.tickets_digest })] : []));
}

// One slot of the show: spins through ticket holders until its winner is revealed, then stops on them.
function reel(winner, index, shown, names) {
  const spin = nameNode(shown ? (winner.agent_name || winner.agent || "—") : names[index % names.length] || "…", "spin ellipsis");
  const node = el("div", { class: `reel winner-slot${shown ? " shown" : " spinning"}`, "data-slot": index },
    el("span", { class: "prize ellipsis", text: winner.prize }), spin);
  if (!shown && names.length > 1) spin.dataset.reel = "spin";
  return node;
}

export function spinReels(stage, names) {
  let tick = 0;
  return setInterval(() => {
    tick += 1;
    for (const node of stage.querySelectorAll("[data-reel=spin]")) node.textContent = names[(tick + Number(node.parentNode.dataset.slot) * 3) % names.length];
  }, REEL_TICK_MS);
}

export function luckyDraw(slide, data, page, ceremony) {
  const contest = data.contest;
  const tickets = data.tickets || { total: 0, agents: [] };
  const proof = data.proof;
  const winners = ceremony && ceremony.winners.length ? ceremony.winners : (proof ? proof.winners : []);
  const revealed = ceremony ? ceremony.revealed : winners.length;
  if (!winners.length) {
    const side = el("div", { class: "draw-side" }, el("h2", { text: t("most_tickets") }),
      ...tickets.agents.slice(0, HOLDERS_SHOWN).map((entry) => holder(data, entry)));
    return { nodes: [el("div", { class: "draw" }, facts(contest, tickets), side)], pages: 1 };
  }
  const names = tickets.agents.map((entry) => entry.name);
  const done = revealed >= winners.length;
  const proofPath = `/api/v1/contests/${contest.id}/draw`;
  const side = el("div", { class: "draw-side winners" }, el("h2", { text: t("winners") }),
    ...winners.map((winner, i) => reel(winner, i, i < revealed, names)),
    done ? el("div", { class: "proof" }, el("img", { src: `/tv/proof-qr/${contest.id}.svg`, alt: "" }),
      el("div", {}, el("div", { text: t("proof") }), el("div", { class: "proof-url", text: proofPath }))) : null);
  return { nodes: [el("div", { class: "draw" }, facts(contest, tickets), side)], pages: 1 };
}
