// Slide renderers: each takes the slide definition and the contest snapshot and returns DOM nodes.
import { el, formatPoints } from "./dom.js";

export const ROWS_PER_PAGE = 10;

export function standings(slide, data, page) {
  const board = (data.standings || {})[slide.by || "agent"] || [];
  const pages = Math.max(1, Math.ceil(board.length / ROWS_PER_PAGE));
  const current = page % pages;
  const rows = board.slice(current * ROWS_PER_PAGE, (current + 1) * ROWS_PER_PAGE).map((row) =>
    el("div", { class: `board-row${row.qualified === false ? " unqualified" : ""}`, "data-key": row.key },
      el("span", { class: "rank", text: row.rank }),
      el("span", { class: "name", text: row.name }),
      el("span", { class: "sub ellipsis", text: row.site || row.team || "" }),
      el("span", { class: "points", text: formatPoints(row.points) })));
  const note = pages > 1 ? el("div", { class: "page-note", text: `page ${current + 1} of ${pages}` }) : null;
  return { nodes: [el("div", { class: "board" }, ...rows), note], pages };
}

function goalLine(goal, match) {
  const side = goal.site === match.home ? match.home_name : match.away_name;
  const text = `${goal.minute}'  ${goal.agent_name}  (${side})${goal.disallowed ? "  — VAR: " + goal.reason : ""}`;
  return el("div", { class: `goal${goal.disallowed ? " disallowed" : ""}`, text });
}

export function matchCentre(slide, data) {
  const matches = data.matches || [];
  const cards = matches.map((match) => el("div", { class: "match", "data-match": match.id },
    el("span", { class: "home ellipsis", text: match.home_name }),
    el("span", { class: "score", text: `${match.score.home} – ${match.score.away}` }),
    el("span", { class: "away ellipsis", text: match.away_name }),
    el("span", { class: "clock", text: match.status === "scheduled" ? "–" : `${match.minute}'` })));
  const goals = matches.flatMap((match) => match.goals.map((goal) => ({ goal, match })))
    .sort((a, b) => (a.goal.at < b.goal.at ? 1 : -1)).slice(0, 5)
    .map(({ goal, match }) => goalLine(goal, match));
  return { nodes: [el("div", { class: "matches" }, ...cards), el("div", { class: "goals" }, ...goals)], pages: 1 };
}

export function leagueTable(slide, data) {
  const table = data.table || { rows: [], live: [] };
  const head = el("tr", {}, ...["#", "Site", "P", "W", "D", "L", "GF", "GA", "GD", "Pts"].map((h, i) =>
    el("th", { class: i === 1 ? "site" : null, text: h })));
  const rows = table.rows.map((row) => el("tr", { "data-site": row.site },
    el("td", { text: row.rank }), el("td", { class: "site ellipsis", text: row.name }),
    ...["played", "won", "drawn", "lost", "goals_for", "goals_against", "goal_difference", "points"]
      .map((key) => el("td", { text: row[key] }))));
  const live = table.live.length
    ? el("div", { class: "live-beside", text: "Live: " + table.live.map((m) =>
      `${m.home} ${m.score.home}–${m.score.away} ${m.away} (${m.minute}')`).join(" · ") }) : null;
  return { nodes: [el("table", { class: "league" }, el("thead", {}, head), el("tbody", {}, ...rows)), live], pages: 1 };
}

export function bracket(slide, data) {
  const view = data.bracket || { rounds: [], rounds_total: 0 };
  const known = view.rounds.map((round) => el("div", { class: "bracket-round" },
    el("div", { class: "sub", text: `Round ${round.round}` }),
    ...round.slots.map((slot) => el("div", { class: "tie" },
      el("div", { class: `ellipsis${slot.winner === slot.home ? " winner" : ""}`, text: slot.home_name }),
      el("div", { class: `ellipsis${slot.winner && slot.winner === slot.away ? " winner" : ""}`,
        text: slot.bye ? "bye" : slot.away_name }),
      el("div", { class: "sub", text: slot.score ? `${slot.score.home} – ${slot.score.away} · ${slot.status}` : slot.status }),
      slot.correction ? el("div", { class: "sub var", text: `VAR: ${slot.correction.winner_name} would now go through` })
        : null))));
  const later = [];
  for (let r = view.rounds.length + 1; r <= view.rounds_total; r++) {
    later.push(el("div", { class: "bracket-round" }, el("div", { class: "sub", text: `Round ${r}` }),
      el("div", { class: "tie sub", text: "to be decided" })));
  }
  const champion = view.champion ? el("div", { class: "bracket-round" },
    el("div", { class: "sub", text: "Champion" }), el("div", { class: "tie winner", text: view.champion })) : null;
  return { nodes: [el("div", { class: "bracket" }, ...known, ...later, champion)], pages: 1 };
}

function countdown(endsAt) {
  const left = Math.max(0, new Date(endsAt) - Date.now());
  const hours = Math.floor(left / 3600000);
  const minutes = Math.floor((left % 3600000) / 60000);
  const seconds = Math.floor((left % 60000) / 1000);
  return left === 0 ? "draw time!" : `${Math.floor(hours / 24)}d ${hours % 24}h ${minutes}m ${seconds}s`;
}

export function luckyDraw(slide, data, page, ceremony) {
  const contest = data.contest;
  const tickets = data.tickets || { total: 0, agents: [] };
  const proof = data.proof;
  const left = el("div", {},
    el("div", { class: "sub", text: "Tickets in the draw" }),
    el("div", { class: "total", text: tickets.total }),
    el("div", { class: "countdown", "data-ends": contest.ends_at, text: countdown(contest.ends_at) }),
    el("div", { class: "sub", text: "Commitment (sha256 of the secret seed)" }),
    el("div", { class: "commitment", text: (contest.draw || {}).commitment || "" }),
    ...((contest.draw || {}).tickets_digest ? [el("div", { class: "sub", text: "Frozen tickets digest (sha256)" }),
      el("div", { class: "commitment digest", text: contest.draw.tickets_digest })] : []));
  const winners = (ceremony && ceremony.winners.length ? ceremony.winners : (proof ? proof.winners : []));
  const revealed = ceremony ? ceremony.revealed : winners.length;
  const right = winners.length
    ? el("div", { class: "winners" }, ...winners.map((w, i) => el("div", {
      class: `winner-slot${i < revealed ? " shown" : ""}`, text: `${w.prize}: ${w.agent_name || w.agent || "—"}` })),
    el("div", { class: "sub", text: `Proof: /api/v1/contests/${contest.id}/draw` }))
    : el("div", { class: "board" }, ...tickets.agents.slice(0, 8).map((a) => el("div", { class: "board-row" },
      el("span", { class: "rank", text: "🎟" }), el("span", { class: "name", text: a.name || a.agent }),
      el("span", { class: "sub" }), el("span", { class: "points", text: a.count }))));
  return { nodes: [el("div", { class: "draw" }, left, right)], pages: 1 };
}

export function message(slide) {
  return { nodes: [el("div", { class: "message", text: slide.text || "" })], pages: 1 };
}

export function chart(slide, data, page, _ceremony, container) {
  const node = el("div", { class: "chart" });
  container.append(node);
  if (!window.Plotly) return { nodes: [node], pages: 1 };
  const layout = { paper_bgcolor: "#0b0f17", plot_bgcolor: "#0b0f17", font: { color: "#f4f4f4", size: 22 },
    margin: { l: 80, r: 30, t: 50, b: 70 }, legend: { orientation: "h" } };
  if (slide.chart === "progress") {
    const total = ((data.standings || {}).site || []).reduce((sum, row) => sum + row.points, 0);
    const target = slide.target || 1;
    window.Plotly.react(node, [{ type: "bar", orientation: "h", x: [total], y: ["points"], marker: { color: "#ffcc33" } }],
      { ...layout, title: { text: `Progress to target: ${formatPoints(total)} / ${formatPoints(target)}` },
        xaxis: { range: [0, Math.max(target, total)] } }, { staticPlot: true });
  } else {
    const series = (data.chart || { series: [], hours: [] });
    const traces = series.series.map((s) => ({ type: "bar", name: s.name, x: series.hours.map((h) => new Date(h)), y: s.points }));
    window.Plotly.react(node, traces, { ...layout, barmode: "stack", title: { text: "Points per hour today" } }, { staticPlot: true });
  }
  return { nodes: [node], pages: 1 };
}

export const RENDERERS = { standings, match_centre: matchCentre, league_table: leagueTable, bracket,
  lucky_draw: luckyDraw, message, chart };
