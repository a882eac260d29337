// Keyboard-first call logging: Ctrl+Enter saves, the village list follows the township,
// and typing a phone number shows that number's earlier contacts.
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  if (!form) { return; }
  form.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") { event.preventDefault(); form.requestSubmit(); }
  });
  // Never cut what was pasted (no maxlength): count it, and say how much is over the limit.
  var text = document.getElementById("text"), count = document.getElementById("text-count");
  function showCount() {
    var limit = parseInt(text.dataset.maxChars, 10), used = text.value.trim().length;
    var over = used - limit;
    count.textContent = over > 0 ? "已输入 " + used + " 字，超出 " + over + " 字（最多 " + limit + " 字）：请删减或分次登记"
                                 : "已输入 " + used + " 字，最多 " + limit + " 字";
    count.className = over > 0 ? "error" : "muted";
  }
  if (text && count) { text.addEventListener("input", showCount); showCount(); }
  var township = document.getElementById("township"), village = document.getElementById("village");
  function filterVillages() {
    var chosen = township.value;
    Array.prototype.forEach.call(village.options, function (opt) {
      if (!opt.dataset.township) { return; }
      var show = !chosen || opt.dataset.township === chosen;
      opt.hidden = !show; opt.disabled = !show;
      if (!show && opt.selected) { village.value = ""; }
    });
  }
  township.addEventListener("change", filterVillages);
  village.addEventListener("change", function () {
    var opt = village.options[village.selectedIndex];
    if (opt && opt.dataset.township && !township.value) { township.value = opt.dataset.township; filterVillages(); }
  });
  filterVillages();
  var phone = document.getElementById("phone"), history = document.getElementById("history"), timer = null;
  function lookUp() {
    var digits = phone.value.replace(/\D/g, "");
    if (digits.length < 7) { history.textContent = ""; return; }
    // POST: the number stays out of URLs and access logs.
    var body = new FormData();
    body.append("phone", phone.value);
    body.append("csrf_token", phone.form.elements["csrf_token"].value);
    fetch(phone.dataset.historyUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { history.innerHTML = html; });
  }
  phone.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookUp, 300); });
  if (phone.value) { lookUp(); }
  var anonymous = document.getElementById("anonymous"), name = document.getElementById("name");
  function toggleName() { name.disabled = anonymous.checked; }
  anonymous.addEventListener("change", toggleName); toggleName();
})();
