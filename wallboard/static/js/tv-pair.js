// Pairing page: register once, show the code, wait for a lead to pair; the secret is kept for good.
const STORE = "leaderboard.screen";
const POLL_MS = 3000;

function saved() {
  try { return JSON.parse(localStorage.getItem(STORE) || "null"); } catch { return null; }
}

async function register() {
  const response = await fetch("/api/v1/screens", { method: "POST" });
  if (!response.ok) throw new Error(`registration failed: ${response.status}`);
  const screen = await response.json();
  localStorage.setItem(STORE, JSON.stringify(screen));
  return screen;
}

async function poll(screen) {
  const response = await fetch("/api/v1/screens/me", { headers: { Authorization: `Bearer ${screen.secret}` } });
  if (response.status === 401) return { lost: true };
  return response.json();
}

async function main() {
  const status = document.getElementById("pair-status");
  const said = document.getElementById("pair").dataset; // translated by the server
  let screen = saved();
  if (!screen) screen = await register();
  document.getElementById("pair-code").textContent = screen.code;
  status.textContent = said.waiting;
  for (;;) {
    try {
      const answer = await poll(screen);
      if (answer.lost) {
        screen = await register();
        document.getElementById("pair-code").textContent = screen.code;
      } else if (answer.paired && answer.channel) {
        localStorage.setItem("leaderboard.token", screen.secret);
        window.location.replace(`/tv/${encodeURIComponent(answer.channel)}`);
        return;
      }
      status.textContent = said.waiting;
    } catch {
      status.textContent = said.unreachable;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

main();
