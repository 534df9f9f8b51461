// Slide renderers: each takes the slide definition and the contest picture and returns DOM nodes and its page count.
import { el } from "./dom.js";
import { currentLocale, formatNumber, t } from "./tv/i18n.js";
import { luckyDraw } from "./tv/draw.js";
import { goalWall } from "./tv/goal_wall.js";
import { kudos } from "./tv/kudos.js";
import { instantPrizes } from "./tv/prizes.js";
import { bracket, leagueTable, matchCentre } from "./tv/league.js";
import { standings } from "./tv/standings.js";

export function message(slide) {
  return { nodes: [el("div", { class: "message", text: slide.text || "" })], pages: 1 };
}

function token(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

export function chart(slide, data, page, _ceremony, container) {
  const node = el("div", { class: "chart" });
  container.append(node);
  if (!window.Plotly) return { nodes: [node], pages: 1 };
  const px = (size) => Math.round((size * window.innerHeight) / 1080); // sizes designed at 1080p
  const layout = { paper_bgcolor: token("--bg"), plot_bgcolor: token("--bg"),
    font: { color: token("--text"), size: px(28), family: token("--type-font") },
    margin: { l: px(110), r: px(30), t: px(80), b: px(80) }, legend: { orientation: "h", y: -0.15 },
    xaxis: { gridcolor: token("--line"), tickformat: "%H:%M" }, yaxis: { gridcolor: token("--line"), tickformat: ",d" },
    // Plotly wants "<decimal><thousands>": read them off the locale's own rendering of 1,234.5.
    separators: (1234.5).toLocaleString(currentLocale()).replace(/\d/g, "").split("").reverse().join("").padEnd(2, " ") };
  const sites = (data.roster || {}).sites || {};
  if (slide.chart === "progress") {
    const total = ((data.standings || {}).site || []).reduce((sum, row) => sum + Number(row.points), 0);
    const target = slide.target || 1;
    window.Plotly.react(node, [{ type: "bar", orientation: "h", x: [total], y: [t("points")], marker: { color: token("--accent") } }],
      { ...layout, title: { text: t("progress", { total: formatNumber(total), target: formatNumber(target) }) },
        xaxis: { ...layout.xaxis, range: [0, Math.max(target, total)] } }, { staticPlot: true });
  } else {
    const series = data.chart || { series: [], hours: [] };
    const traces = series.series.map((s) => ({ type: "bar", name: (sites[s.site] || {}).name || s.name,
      x: series.hours.map((h) => new Date(h)), y: s.points,
      marker: { color: token(`--tone-${(sites[s.site] || {}).tone ?? 0}`) } }));
    window.Plotly.react(node, traces, { ...layout, barmode: "stack", title: { text: t("points_per_hour") } }, { staticPlot: true });
  }
  return { nodes: [node], pages: 1 };
}

export const RENDERERS = { standings, match_centre: matchCentre, league_table: leagueTable, bracket,
  lucky_draw: luckyDraw, message, chart, goal_wall: goalWall, kudos, instant_prizes: instantPrizes };
