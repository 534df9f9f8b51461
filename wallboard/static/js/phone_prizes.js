// The agent's instant prizes on the phone: a `me.prize` delta celebrates the win and refreshes the list.
const section = document.getElementById("my-prizes");
const list = document.getElementById("prize-list");
const news = document.getElementById("prize-news");
const template = document.getElementById("prize-item");
const NEWS_MS = 8000;
let newsTimer = null;

async function refresh() {
  const response = await fetch(section.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) return; // the next delta or a reload tries again
  const { items } = await response.json();
  list.replaceChildren(...items.map((win) => {
    const item = template.content.firstElementChild.cloneNode(true);
    item.dataset.status = win.status;
    item.querySelector(".prize-name").textContent = win.prize;
    item.querySelector(".prize-status").textContent = win.status_label;
    item.querySelector(".prize-contest").textContent = win.contest;
    return item;
  }));
  section.hidden = items.length === 0;
}

function celebrate(prize) {
  news.textContent = section.dataset.wonText.replace("{prize}", prize);
  news.hidden = false;
  section.hidden = false;
  section.classList.add("celebrating");
  clearTimeout(newsTimer);
  newsTimer = setTimeout(() => { news.hidden = true; section.classList.remove("celebrating"); }, NEWS_MS);
}

if (section) {
  document.addEventListener("leaderboard:delta", (event) => {
    const { event: name, message } = event.detail || {};
    if (name !== "me.prize") return;
    celebrate(message.prize);
    refresh().catch(() => {});
  });
}
