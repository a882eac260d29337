// The public pages: show the name fields only for a named report, villages of the chosen
// township, a character count, file sizes checked before upload, and the print button.
(function () {
  "use strict";
  var named = document.querySelector(".named-fields");
  var radios = document.querySelectorAll("input[name=identity]");
  function syncNamed() {
    if (!named) return;
    var choice = document.querySelector("input[name=identity]:checked");
    named.hidden = !(choice && choice.value === "named");
  }
  radios.forEach(function (r) { r.addEventListener("change", syncNamed); });
  syncNamed();

  var township = document.getElementById("township_id");
  var village = document.getElementById("village_id");
  function syncVillages() {
    if (!township || !village) return;
    Array.prototype.forEach.call(village.options, function (o) {
      var show = !o.dataset.township || !township.value || o.dataset.township === township.value;
      o.hidden = !show;
      if (!show && o.selected) village.value = "";
    });
  }
  if (township) { township.addEventListener("change", syncVillages); syncVillages(); }

  var text = document.getElementById("text");
  var count = document.getElementById("text-count");
  function syncCount() {
    if (!text || !count) return;
    var max = parseInt(text.dataset.max, 10), n = text.value.length;
    count.textContent = "已输入 " + n + " 字，最多 " + max + " 字" + (n > max ? "（超出 " + (n - max) + " 字，请删减或作为附件上传）" : "");
  }
  if (text) { text.addEventListener("input", syncCount); syncCount(); }

  document.querySelectorAll("input[type=file]").forEach(function (input) {
    input.addEventListener("change", function () {
      var tooBig = Array.prototype.filter.call(input.files, function (f) { return f.size > 8 * 1024 * 1024; });
      input.setCustomValidity(tooBig.length ? "文件“" + tooBig[0].name + "”超过 8 MB，请压缩后再上传" : "");
      input.reportValidity();
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();
