// My chance of winning each prize of a lucky draw, from how many agents hold how many tickets (the shared
// picture carries these counts, never names). The draw (leaderboard/domain/draws.py) fills one slot per prize
// unit, in the prizes' order; each slot takes a uniformly random remaining ticket. With one prize per agent the
// winner's other tickets leave the draw, which is sampling agents without replacement, weighted by tickets.

const STEPS = 400; // quadrature points: odds are shown to 0.1 %, the error is far below that

// Slot ranges [start, end) of each prize, in draw order.
export function prizeSlots(prizes) {
  let start = 0;
  return prizes.map((prize) => {
    const range = { name: prize.name, quantity: prize.quantity, start, end: start + prize.quantity };
    start = range.end;
    return range;
  });
}

// Every ticket equally likely at every slot: the q tickets at q given slots are a uniform subset of the N.
function ticketOdds(mine, total, start, end) {
  const slots = Math.max(0, Math.min(end, total) - start);
  let none = 1;
  for (let i = 0; i < slots; i += 1) none *= (total - mine - i) / (total - i);
  return 1 - Math.max(0, none);
}

// P(I am among the first m agents drawn), for m = 0 … slots, by the exponential-clock picture of weighted
// sampling without replacement: each agent's clock rings at rate = tickets, the draw order is the ringing order.
// With v = exp(-mine * t): P(pos < m) = ∫₀¹ P(fewer than m others rang before me) dv, where another agent with
// c tickets rang before me with probability 1 - v^(c / mine). The substitution v = u⁴ smooths the ends.
function agentOdds(mine, others, slots) {
  const reach = new Array(slots + 1).fill(0);
  for (let step = 0; step < STEPS; step += 1) {
    const u = (step + 0.5) / STEPS;
    const v = u ** 4;
    const weight = ((step + 1) / STEPS) ** 4 - (step / STEPS) ** 4; // the cell's exact share of dv: they sum to 1
    const dist = new Array(slots).fill(0); // how many others rang before me: 0 … slots - 1 (more is dropped)
    dist[0] = 1;
    for (const [count, holders] of others) {
      const p = 1 - v ** (count / mine);
      for (let h = 0; h < holders; h += 1) {
        for (let x = slots - 1; x > 0; x -= 1) dist[x] = dist[x] * (1 - p) + dist[x - 1] * p;
        dist[0] *= 1 - p;
      }
    }
    let below = 0;
    for (let m = 1; m <= slots; m += 1) {
      below += dist[m - 1];
      reach[m] += weight * below;
    }
  }
  return reach;
}

// { perPrize: [chance of each prize], any: chance of at least one prize }.
export function prizeOdds({ mine, holders, prizes, onePerAgent }) {
  const ranges = prizeSlots(prizes);
  const slots = ranges.length ? ranges[ranges.length - 1].end : 0;
  const total = holders.reduce((sum, [count, n]) => sum + count * n, 0);
  if (!mine || !slots || !total) return { perPrize: ranges.map(() => 0), any: 0 };
  if (!onePerAgent) {
    return { perPrize: ranges.map((r) => ticketOdds(mine, total, r.start, r.end)), any: ticketOdds(mine, total, 0, slots) };
  }
  // Everyone else: the holders without me (one holder of my count is me, when the counts are in step).
  let skipped = false;
  const others = holders.map(([count, n]) => {
    if (!skipped && count === mine && n > 0) {
      skipped = true;
      return [count, n - 1];
    }
    return [count, n];
  });
  const reach = agentOdds(mine, others, slots);
  const clamp = (p) => Math.min(1, Math.max(0, p));
  return { perPrize: ranges.map((r) => clamp(reach[r.end] - reach[r.start])), any: clamp(reach[slots]) };
}
