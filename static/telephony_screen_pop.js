// Screen pop on the intake form: calls routed to the operators appear with the caller's earlier
// contacts; "接听并登记" fills the form's phone and call_sid, so the logged contact links to the call.
(function () {
  "use strict";
  var box = document.getElementById("screen-pop");
  var form = document.getElementById("intake-form");
  if (!box || !form) { return; }
  var current = box.dataset.current || "";
  function refresh() {
    fetch(box.dataset.url + "?current=" + encodeURIComponent(current), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) { box.innerHTML = html; } })
      .catch(function () { /* keep the last list; try again on the next tick */ });
  }
  box.addEventListener("click", function (event) {
    var button = event.target.closest("button.take-call");
    if (!button) { return; }
    current = button.dataset.callSid;
    form.elements.call_sid.value = current;
    var phone = form.elements.phone;
    if (button.dataset.phone) {
      phone.value = button.dataset.phone;
      phone.dispatchEvent(new Event("input", { bubbles: true }));
    }
    var channel = form.elements.channel;
    if (channel) { channel.value = "call"; }
    refresh();
    form.elements.text.focus();
  });
  refresh();
  setInterval(refresh, 5000);
})();
