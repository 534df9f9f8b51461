// The celebration band: sales, big sales, goals, VAR calls and instant prizes, one at a time, in a place of their own.
import { formatNumber, t } from "./i18n.js";

const MAX_AGE_MS = 10000;
const SALE_MS = 3000;
const GOAL_MS = 5000;

export class CelebrationBand {
  constructor(band, iconBase, soundUrl) {
    this.band = band;
    this.iconBase = iconBase;
    this.soundUrl = soundUrl;
    this.settings = { bigSale: null, sound: false };
    this.queue = [];
    this.busy = false;
    this.timer = null;
  }

  configure(channel) {
    this.settings = { bigSale: channel.big_sale_points || null, sound: Boolean(channel.sound) };
  }

  // A celebration is news only while it is fresh: never shown more than 10 s after it happened.
  add(item) {
    const entry = { count: 1, ...item, at: Date.now() };
    if (entry.kind === "sale") this.queue.push(entry);
    else {
      // A goal or a VAR call is the moment of the match: it goes before waiting sales and cuts a sale short.
      const firstSale = this.queue.findIndex((i) => i.kind === "sale");
      this.queue.splice(firstSale < 0 ? this.queue.length : firstSale, 0, entry);
      if (this.busy && this.band.classList.contains("sale")) { clearTimeout(this.timer); this.next(); return; }
    }
    if (!this.busy) this.next();
  }

  sale(message) {
    const points = Number(message.points);
    const big = this.settings.bigSale && points >= this.settings.bigSale;
    this.add({ kind: big ? "sale big" : "sale", icon: big ? "star" : "sale", headline: message.agent.name,
      detail: [big ? t("big_sale") : null, message.product.kind === "save" ? t("customer_kept") : null, message.product.name, message.site && message.site.name].filter(Boolean).join(" · "),
      points: `+${formatNumber(points)}`, count: 1 + (message.more || 0) });
  }

  // An instant prize: "Julie wins a bottle of champagne!", in gold, ahead of waiting sales.
  prize(message) {
    this.add({ kind: "prize big", icon: "trophy", headline: t("wins_prize", { name: message.agent.name, prize: message.prize }),
      detail: [t("instant_prize"), message.site && message.site.name].filter(Boolean).join(" · ") });
  }

  forget() {
    this.queue.length = 0; // nothing is replayed after a reconnect or once the server is gone
  }

  next() {
    while (this.queue.length && Date.now() - this.queue[0].at > MAX_AGE_MS) this.queue.shift();
    const item = this.queue.shift();
    if (!item) {
      this.band.className = "band";
      this.busy = false;
      return;
    }
    this.busy = true;
    let more = item.count - 1;
    if (item.kind.startsWith("sale")) {
      // A burst of sales is folded into this one celebration: "+N more".
      for (const waiting of this.queue.filter((i) => i.kind.startsWith("sale"))) more += waiting.count;
      this.queue.splice(0, this.queue.length, ...this.queue.filter((i) => !i.kind.startsWith("sale")));
    }
    this.band.className = `band active ${item.kind}`;
    this.band.querySelector("#band-icon").src = `${this.iconBase}${item.icon}.svg`;
    this.band.querySelector("#band-headline").textContent = item.headline;
    this.band.querySelector("#band-detail").textContent = item.detail + (more > 0 ? ` · ${t("more", { count: more })}` : "");
    this.band.querySelector("#band-points").textContent = item.points || "";
    if (this.settings.sound) new Audio(this.soundUrl).play().catch(() => {}); // a TV may refuse autoplay
    this.timer = setTimeout(() => this.next(), item.kind.startsWith("sale") ? SALE_MS : GOAL_MS);
  }
}
