// The export page's "Tout sélectionner" box: import-export wires it with an inline onchange attribute, which the
// Content-Security-Policy (no inline script) blocks. The same handler, attached from a static file.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof onSelectToggleChange !== "function") {
    return;
  }
  document.querySelectorAll('input[name="select-all-toggle"]').forEach(function (bascule) {
    bascule.removeAttribute("onchange");
    bascule.addEventListener("change", onSelectToggleChange);
  });
});
