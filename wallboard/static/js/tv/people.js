// Avatars, colour tones and names as the picture gives them: the slides never build a name from other fields.
import { el } from "../dom.js";

let iconBase = "/static/icons/";

export function setIconBase(base) {
  iconBase = base;
}

export function icon(name, className = "icon") {
  return el("img", { class: className, src: `${iconBase}${name}.svg`, alt: "" });
}

// Up to two letters from the name as shown (first letters of its first two words), whatever the script;
// words without a letter or digit ("–" in "Paris – Rive Gauche", "&") are skipped.
export function initials(name) {
  const words = String(name || "").trim().split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word));
  const letters = words.slice(0, 2).map((word) => Array.from(word)[0]);
  return letters.join("").toUpperCase() || "·";
}

export function toneClass(tone) {
  return Number.isInteger(tone) ? `tone-${tone}` : null;
}

export function siteOf(roster, key) {
  return ((roster || {}).sites || {})[key] || null;
}

export function teamOf(roster, key) {
  return ((roster || {}).teams || {})[key] || null;
}

// The tone and the secondary line of a board row: an agent's team (else site), or the group itself.
export function rowLook(row, by, roster) {
  if (by === "site") return { tone: (siteOf(roster, row.key) || {}).tone, sub: "" };
  if (by === "team") {
    const team = teamOf(roster, row.key) || {};
    return { tone: team.tone, sub: (siteOf(roster, team.site) || {}).name || "" };
  }
  const site = siteOf(roster, row.site) || {};
  const team = teamOf(roster, row.team);
  return { tone: site.tone, sub: [team && team.name, site.name].filter(Boolean).join(" · ") };
}

// A person's or a site's name as the picture gives it; dir=auto keeps the first letters of Arabic names in view.
export function nameNode(name, className = "name ellipsis") {
  return el("span", { class: className, text: name, title: name, dir: "auto" });
}

export function avatar(name, photo, tone) {
  const node = el("span", { class: ["avatar", toneClass(tone)].filter(Boolean).join(" "), "aria-hidden": "true" });
  if (photo) node.append(el("img", { src: photo, alt: "" }));
  else node.textContent = initials(name);
  return node;
}
