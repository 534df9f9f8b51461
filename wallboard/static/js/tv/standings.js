// Standings: a podium for the top three, then every other row, paged so the whole board shows within the slide.
import { el } from "../dom.js";
import { formatNumber, t } from "./i18n.js";
import { avatar, icon, nameNode, rowLook, toneClass } from "./people.js";

export const FIRST_PAGE_ROWS = 7; // beside the podium
export const PAGE_ROWS = 14; // two columns of seven on the following pages
const MOVE_SHOWN_MS = 60000;

const lastRanks = new Map(); // board id → Map(key → rank)
const moves = new Map(); // board id → Map(key → { delta, until })

// Rank changes since the previous picture, remembered for a minute so the arrows are seen.
export function noteRanks(boardId, rows) {
  const before = lastRanks.get(boardId);
  const now = Date.now();
  const moved = moves.get(boardId) || new Map();
  if (before) {
    for (const row of rows) {
      const was = before.get(row.key);
      if (was !== undefined && was !== row.rank) moved.set(row.key, { delta: was - row.rank, until: now + MOVE_SHOWN_MS });
    }
  }
  for (const [key, move] of moved) if (move.until < now) moved.delete(key);
  moves.set(boardId, moved);
  lastRanks.set(boardId, new Map(rows.map((row) => [row.key, row.rank])));
}

// The first page holds the podium (when anyone has points) and FIRST_PAGE_ROWS rows; the others PAGE_ROWS each.
export function firstPageSize(rows) {
  return (rows.some((row) => Number(row.points) > 0) ? 3 : 0) + FIRST_PAGE_ROWS;
}

export function pageCount(rows) {
  return 1 + Math.ceil(Math.max(0, rows.length - firstPageSize(rows)) / PAGE_ROWS);
}

function moveIcon(boardId, key) {
  const move = (moves.get(boardId) || new Map()).get(key);
  if (!move || move.until < Date.now()) return el("span", { class: "move" });
  return icon(move.delta > 0 ? "up" : "down", `move ${move.delta > 0 ? "up" : "down"}`);
}

function fill(row, scale) {
  return scale > 0 ? Math.max(0, Math.min(1, Number(row.points) / scale)) : 0;
}

// Saves and assists, when a row has any: a short figure after the team and site (sales are the points).
function extras(row) {
  const parts = [];
  if (Number(row.saves) > 0) parts.push(t(Number(row.saves) === 1 ? "save_one" : "save_other", { count: row.saves }));
  if (Number(row.assists) > 0) {
    parts.push(t(Number(row.assists) === 1 ? "assist_one" : "assist_other", { count: row.assists }));
  }
  return parts;
}

// The podium's narrow line puts the figures first, so truncation cuts the team and site rather than them.
function subLine(row, look, figuresFirst = false) {
  const parts = figuresFirst ? [...extras(row), look.sub] : [look.sub, ...extras(row)];
  return parts.filter(Boolean).join(" · ");
}

function boardRow(row, ctx) {
  const look = rowLook(row, ctx.by, ctx.roster);
  const meter = el("div", { class: "meter" }, el("span"));
  meter.firstChild.style.setProperty("--fill", String(fill(row, ctx.scale)));
  const classes = ["board-row", toneClass(look.tone), row.qualified === false ? "unqualified" : null];
  return el("div", { class: classes.filter(Boolean).join(" "), "data-key": row.key },
    el("span", { class: "rank", text: row.rank }),
    moveIcon(ctx.boardId, row.key),
    avatar(row.name, ctx.photos[row.key], look.tone),
    el("div", { class: "who" },
      nameNode(row.name),
      nameNode(row.qualified === false ? t("not_qualified") : subLine(row, look), "sub ellipsis"),
      meter),
    el("span", { class: "points", text: formatNumber(row.points) }));
}

function podiumStep(row, place, ctx) {
  const look = rowLook(row, ctx.by, ctx.roster);
  return el("div", { class: `step ${place}`, "data-key": row.key },
    avatar(row.name, ctx.photos[row.key], look.tone),
    nameNode(row.name, "name clamp"),
    nameNode(subLine(row, look, true), "sub ellipsis"),
    el("span", { class: "points", text: `${formatNumber(row.points)} ${t("pts")}` }),
    el("div", { class: "block", text: row.rank }));
}

export function standings(slide, data, page) {
  const by = slide.by || "agent";
  const rows = (data.standings || {})[by] || [];
  const boardId = `${(data.contest || {}).id}:${by}`;
  const pages = pageCount(rows);
  const current = page % pages;
  const leader = rows.length ? Number(rows[0].points) : 0;
  const ctx = { by, boardId, roster: data.roster, photos: ((data.roster || {}).photos) || {},
    scale: slide.target || leader };
  if (current > 0) {
    const start = firstPageSize(rows) + (current - 1) * PAGE_ROWS;
    const list = el("div", { class: "rows two" }, ...rows.slice(start, start + PAGE_ROWS).map((r) => boardRow(r, ctx)));
    return { nodes: [el("div", { class: "standings full" }, list)], pages };
  }
  const anyPoints = rows.some((row) => Number(row.points) > 0);
  const [first, second, third] = rows;
  const podium = anyPoints
    ? el("div", { class: "podium" }, podiumStep(first, "first", ctx),
      second ? podiumStep(second, "second", ctx) : el("div", { class: "step second" }),
      third ? podiumStep(third, "third", ctx) : el("div", { class: "step third" }))
    : el("div", { class: "empty", text: t("no_sales") });
  const list = el("div", { class: "rows" },
    ...rows.slice(anyPoints ? 3 : 0, (anyPoints ? 3 : 0) + FIRST_PAGE_ROWS).map((r) => boardRow(r, ctx)));
  return { nodes: [el("div", { class: "standings" }, podium, list)], pages };
}
