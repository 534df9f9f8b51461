// Channel editor: each slide row shows only the fields its type uses, and offers only the contests it can show.
// Without this script every field stays visible, grouped by the types that use them.
const form = document.getElementById("channel-editor");

function setHidden(node, hidden) {
  node.hidden = hidden;
  for (const input of node.querySelectorAll("input, select, textarea")) input.disabled = hidden;
}

function refreshContests(select, rule) {
  for (const option of select.options) {
    if (!option.value) continue;
    const fits = rule && rule.kinds.includes(option.dataset.kind) && (!rule.format || option.dataset.format === rule.format);
    option.hidden = !fits;
    option.disabled = !fits && !option.selected; // a saved wrong choice stays visible, so its error makes sense
  }
}

function refreshRow(row, rules) {
  const type = row.querySelector('[data-field="type"] select').value;
  const rule = rules[type];
  row.dataset.type = type;
  const used = new Set(rule ? rule.fields : []);
  const chart = row.querySelector('[data-field="chart"] select');
  if (chart && chart.value !== "progress") used.delete("target"); // a target only means something for progress
  for (const node of row.querySelectorAll("[data-field]")) {
    const name = node.dataset.field;
    if (name === "type") continue;
    setHidden(node, !used.has(name));
  }
  for (const group of row.querySelectorAll("[data-group]")) {
    group.hidden = ![...group.querySelectorAll("[data-field]")].some((node) => !node.hidden);
  }
  const contest = row.querySelector('[data-field="contest"] select');
  if (contest) refreshContests(contest, rule);
}

if (form) {
  const rules = JSON.parse(form.dataset.slideRules || "{}");
  form.classList.add("scripted");
  for (const row of form.querySelectorAll(".slide-row")) {
    refreshRow(row, rules);
    row.addEventListener("change", (event) => {
      if (event.target.matches('[data-field="type"] select, [data-field="chart"] select')) refreshRow(row, rules);
    });
  }
}
