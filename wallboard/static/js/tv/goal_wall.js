// Goal wall: the posters of the agents who chose to show what they save their bonuses for, a page at a time.
import { el } from "../dom.js";
import { t } from "./i18n.js";
import { avatar, nameNode } from "./people.js";

export const POSTERS_PER_PAGE = 6;

function percent(progress) {
  return `${Math.round(Number(progress) * 100)} %`;
}

function poster(item) {
  const bar = el("div", { class: "poster-bar" });
  const fill = el("div", { class: "poster-fill" });
  // A CSS custom property set from script is allowed by the CSP (no inline style attribute in the markup).
  fill.style.setProperty("--progress", String(Math.max(0, Math.min(1, Number(item.progress)))));
  bar.append(fill);
  const picture = item.picture ? el("img", { class: "poster-image", src: item.picture, alt: "" })
    : avatar(item.name, null, null);
  return el("article", { class: `tv-poster${item.reached ? " reached" : ""}`, "data-key": item.key },
    picture,
    el("div", { class: "poster-words" },
      el("p", { class: "poster-title", text: item.title, title: item.title, dir: "auto" }),
      nameNode(item.name, "poster-name ellipsis"),
      bar,
      el("p", { class: "poster-figure", text: item.reached ? t("goal_reached") : percent(item.progress) })));
}

export function goalWall(_slide, data, page) {
  const posters = (data.people || {}).goals || [];
  if (!posters.length) return { nodes: [el("div", { class: "message", text: t("goal_wall_empty") })], pages: 1 };
  const pages = Math.ceil(posters.length / POSTERS_PER_PAGE);
  const shown = posters.slice((page % pages) * POSTERS_PER_PAGE, (page % pages + 1) * POSTERS_PER_PAGE);
  return { nodes: [el("div", { class: "goal-wall" }, el("h2", { class: "people-heading", text: t("goal_wall") }),
    el("div", { class: "posters" }, ...shown.map(poster)))], pages };
}
