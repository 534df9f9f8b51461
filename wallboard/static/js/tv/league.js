// League slides: a scoreboard per match, the table with its form guide, and the cup drawn as a bracket.
import { el } from "../dom.js";
import { formatTime, t } from "./i18n.js";
import { icon, nameNode, siteOf, toneClass } from "./people.js";

const SCORERS_SHOWN = 5;

function siteName(roster, key, fallback) {
  return (siteOf(roster, key) || {}).name || fallback || key || "";
}

function tone(roster, key) {
  return toneClass((siteOf(roster, key) || {}).tone);
}

function matchClock(match) {
  if (match.status === "scheduled") return el("div", { class: "clock", text: t("kick_off", { time: formatTime(new Date(match.starts_at)) }) });
  if (match.status !== "live") return el("div", { class: "clock", text: t("full_time") });
  const meter = el("div", { class: "meter" }, el("span"));
  meter.firstChild.style.setProperty("--fill", String(Math.min(1, match.minute / 90)));
  return el("div", { class: "clock" }, icon("live"), el("span", { text: `${match.minute}'` }), meter);
}

function scorer(goal) {
  return el("div", { class: `scorer${goal.disallowed ? " disallowed" : ""}` },
    icon(goal.disallowed ? "var" : "ball"),
    nameNode(goal.agent_name, "ellipsis"),
    el("span", { text: `${goal.minute}'` }),
    goal.disallowed ? el("span", { class: "ellipsis", text: `${t("var")}: ${goal.reason || t("disallowed")}` }) : null);
}

function scorers(match, side) {
  const goals = match.goals.filter((goal) => goal.site === match[side]).slice(-SCORERS_SHOWN);
  return el("div", { class: side }, ...goals.map(scorer));
}

export function matchCentre(slide, data) {
  const roster = data.roster;
  const matches = data.matches || [];
  if (!matches.length) return { nodes: [el("div", { class: "empty", text: t("no_match") })], pages: 1 };
  const cards = matches.map((match) => el("div", { class: `match${match.status === "live" ? " live" : ""}`, "data-match": match.id },
    el("div", { class: "scoreline" },
      el("div", { class: `side home ${tone(roster, match.home)}` },
        nameNode(siteName(roster, match.home, match.home_name), "team clamp"), el("span", { class: "stripe" })),
      el("span", { class: "score", text: `${match.score.home}–${match.score.away}` }),
      el("div", { class: `side away ${tone(roster, match.away)}` },
        nameNode(siteName(roster, match.away, match.away_name), "team clamp"), el("span", { class: "stripe" }))),
    matchClock(match),
    match.goals.length ? el("div", { class: "scorers" }, scorers(match, "home"), scorers(match, "away"))
      : el("div", { class: "clock sub", text: match.status === "scheduled" ? "" : t("no_goals") })));
  return { nodes: [el("div", { class: "matches" }, ...cards)], pages: 1 };
}

const TABLE_COLUMNS = [["played", "league_played"], ["won", "league_won"], ["drawn", "league_drawn"],
  ["lost", "league_lost"], ["goal_difference", "league_goal_difference"], ["points", "league_points"]];

function formGuide(outcomes) {
  return el("div", { class: "form" }, ...(outcomes || []).map((o) => el("span", { class: o, text: t(`form_${o}`) })));
}

export function leagueTable(slide, data) {
  const roster = data.roster;
  const table = data.table || { rows: [], live: [], form: {} };
  const head = el("tr", {}, el("th", { class: "num", text: "#" }), el("th", { class: "site", text: t("league_site") }),
    ...TABLE_COLUMNS.map(([key, label]) => el("th", { class: key === "points" ? "num pts-head" : "num", text: t(label) })),
    el("th", { class: "form-col", text: t("league_form") }));
  const rows = table.rows.map((row) => el("tr", { "data-site": row.site, "data-key": row.site },
    el("td", { text: row.rank }),
    el("td", { class: `site ${tone(roster, row.site)}` }, nameNode(row.name, "ellipsis")),
    ...TABLE_COLUMNS.map(([key]) => el("td", { class: key === "points" ? "pts" : null,
      text: key === "goal_difference" && row[key] > 0 ? `+${row[key]}` : row[key] })),
    el("td", {}, formGuide((table.form || {})[row.site]))));
  const live = (table.live || []).length ? el("div", { class: "live-beside" }, icon("live"),
    el("span", { class: "ellipsis", text: `${t("live_now")}: ` + table.live.map((m) =>
      `${siteName(roster, m.home)} ${m.score.home}–${m.score.away} ${siteName(roster, m.away)} (${m.minute}')`).join(" · ") }))
    : null;
  return { nodes: [el("table", { class: "league" }, el("thead", {}, head), el("tbody", {}, ...rows)), live], pages: 1 };
}

function roundName(round, total) {
  const fromEnd = total - round;
  if (fromEnd === 0) return t("final");
  if (fromEnd === 1) return t("semi_final");
  if (fromEnd === 2) return t("quarter_final");
  return t("round", { round });
}

function tieSide(roster, key, name, winner, score) {
  const won = winner && winner === key;
  return el("div", { class: `tie-side ${tone(roster, key) || ""}${won ? " winner" : ""}` },
    nameNode(name, "ellipsis"), el("span", { text: score ?? "" }));
}

export function bracket(slide, data) {
  const roster = data.roster;
  const view = data.bracket || { rounds: [], rounds_total: 0 };
  const total = view.rounds_total || view.rounds.length;
  const columns = view.rounds.map((round) => el("div", { class: "bracket-round" },
    el("h2", { text: roundName(round.round, total) }),
    el("div", { class: "bracket-ties" }, ...round.slots.map((slot) => el("div", { class: `tie${slot.status === "live" ? " live" : ""}` },
      tieSide(roster, slot.home, slot.home_name, slot.winner, slot.score ? slot.score.home : null),
      slot.bye ? el("div", { class: "sub", text: t("bye") })
        : tieSide(roster, slot.away, slot.away_name, slot.winner, slot.score ? slot.score.away : null),
      slot.correction ? el("div", { class: "sub var ellipsis", text: t("would_go_through", { name: slot.correction.winner_name }) })
        : null)))));
  for (let r = view.rounds.length + 1; r <= total; r++) {
    columns.push(el("div", { class: "bracket-round" }, el("h2", { text: roundName(r, total) }),
      el("div", { class: "bracket-ties" }, el("div", { class: "tie" }, el("div", { class: "sub", text: t("to_be_decided") })))));
  }
  columns.push(el("div", { class: "champion" }, icon("trophy"),
    el("span", { class: "ellipsis", text: view.champion ? siteName(roster, view.champion) : t("champion") })));
  return { nodes: [el("div", { class: "bracket" }, ...columns)], pages: 1 };
}
