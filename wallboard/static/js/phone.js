// The phone page: any push about my contests re-fetches the server-rendered panel (small pushes, fresh snapshot).
import { LiveFeed } from "./live.js";

const contests = (document.body.dataset.contests || "").split(",").filter(Boolean).map(Number);
const panel = document.getElementById("panel");
let pending = null;

async function refresh() {
  pending = null;
  const response = await fetch("/me/panel", { credentials: "same-origin" });
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  panel.replaceChildren(...fresh.body.childNodes);
}

function soon() {
  if (pending === null) pending = setTimeout(refresh, 300); // several pushes in a row: one fetch
}

new LiveFeed({
  token: null, // the session cookie of the personal link signs the socket in
  subscriptions: contests.map((contest) => ({ contest })),
  onSnapshot: () => soon(),
  onDelta: () => soon(),
  onState: (name, since) => {
    const badge = document.getElementById("connection");
    badge.dataset.state = name;
    badge.textContent = name === "live" ? "● live" : `reconnecting${since ? " · offline since " + since : ""}`;
  },
});
