// The receipt page: N (as the button says) opens the form for the next call.
(function () {
  "use strict";
  var next = document.getElementById("next-call");
  if (!next) { return; }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || (event.key !== "n" && event.key !== "N")) { return; }
    if (event.target.closest && event.target.closest("input, textarea, select")) { return; }
    event.preventDefault();
    window.location.href = next.getAttribute("href");
  });
}());
