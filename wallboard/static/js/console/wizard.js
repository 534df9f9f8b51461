// Contest wizard, progressive enhancement only (the wizard works without it): an instant prize row shows only
// the inputs its "won by" choice uses, and the stated time zone follows the timezone input as it is typed.
(function () {
  "use strict";

  function syncInstantRow(row) {
    var select = row.querySelector("[data-instant-when]");
    if (!select) return;
    row.querySelectorAll("[data-when]").forEach(function (input) {
      var used = input.getAttribute("data-when").split(" ").indexOf(select.value) >= 0;
      var box = input.closest(".field");
      // A field in error stays visible so its message is never hidden.
      if (box && !box.classList.contains("has-error")) box.hidden = !used;
    });
  }

  function init() {
    document.querySelectorAll(".instant-row").forEach(function (row) {
      syncInstantRow(row);
      row.addEventListener("change", function (event) {
        if (event.target.hasAttribute("data-instant-when")) syncInstantRow(row);
      });
    });
    var zone = document.querySelector("input[name=timezone]");
    var note = document.getElementById("tz-note");
    if (zone && note) {
      var template = note.textContent;
      var first = zone.value.trim();
      zone.addEventListener("input", function () {
        var value = zone.value.trim() || "UTC";
        note.textContent = template.split(first).join(value);
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
