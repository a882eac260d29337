// Likely duplicates (并单) on the intake form: as the operator types the text, village, programme
// or accused person, ask /cases/duplicates and show the candidates with a "merge into" choice.
(function () {
  "use strict";
  var box = document.getElementById("duplicates"), form = document.getElementById("intake-form");
  if (!box || !form) { return; }
  var timer = null;
  function value(name) { var el = form.elements[name]; return el ? el.value : ""; }
  function chosen() { var el = form.querySelector("input[name=merge_into]:checked"); return el ? el.value : ""; }
  function lookUp() {
    var text = value("text"), accused = value("accused_name"), village = value("village_id");
    if (text.length < 10 && !accused && !village) { box.textContent = ""; return; }
    var params = new URLSearchParams({ text: text.slice(0, 2000), village_id: village, township_id: value("township_id"),
      program: value("program"), accused_name: accused, merge_into: chosen() });
    fetch(box.dataset.url + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { box.innerHTML = html; });
  }
  function later() { clearTimeout(timer); timer = setTimeout(lookUp, 600); }
  ["text", "accused_name", "village_id", "township_id", "program"].forEach(function (name) {
    var el = form.elements[name];
    if (el) { el.addEventListener("input", later); el.addEventListener("change", later); }
  });
  later();
})();
