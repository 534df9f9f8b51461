// The agent's instant prizes on the phone: a `me.prize` delta celebrates the win; any win refreshes the lists.
const section = document.getElementById("my-prizes");
const list = document.getElementById("prize-list");
const offers = document.getElementById("prize-offers");
const offersTitle = document.getElementById("offers-title");
const news = document.getElementById("prize-news");
const NEWS_MS = 8000;
let newsTimer = null;

function fromTemplate(id, fill) {
  const item = document.getElementById(id).content.firstElementChild.cloneNode(true);
  fill(item);
  return item;
}

async function refresh() {
  const response = await fetch(section.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) return; // the next delta or a reload tries again
  const data = await response.json();
  list.replaceChildren(...data.items.map((win) => fromTemplate("prize-item", (item) => {
    item.dataset.status = win.status;
    item.querySelector(".prize-name").textContent = win.prize;
    item.querySelector(".prize-status").textContent = win.status_label;
    item.querySelector(".prize-contest").textContent = win.contest;
  })));
  offers.replaceChildren(...data.offers.map((offer) => fromTemplate("prize-offer", (item) => {
    item.querySelector(".prize-name").textContent = offer.prize;
    item.querySelector(".prize-left").textContent = section.dataset.leftText.replace("{count}", offer.left);
    item.querySelector(".prize-when").textContent = `${offer.when} · ${offer.contest}`;
  })));
  offersTitle.hidden = data.offers.length === 0;
  section.hidden = data.items.length === 0 && data.offers.length === 0;
}

function celebrate(prize) {
  news.textContent = section.dataset.wonText.replace("{prize}", prize);
  news.hidden = false;
  section.hidden = false;
  clearTimeout(newsTimer);
  newsTimer = setTimeout(() => { news.hidden = true; }, NEWS_MS);
}

if (section) {
  document.addEventListener("leaderboard:delta", (event) => {
    const { event: name, message } = event.detail || {};
    if (name === "me.prize") celebrate(message.prize);
    else if (name !== "prize") return; // a colleague's win: only what is left changes
    refresh().catch(() => {});
  });
}
