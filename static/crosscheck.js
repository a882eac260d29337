// Roll import: show upload progress for large files, then the preview page the server returns;
// while an approved import runs, show a busy bar so nobody clicks twice.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (form && window.XMLHttpRequest && window.FormData) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var bar = document.getElementById("upload-progress"), status = document.getElementById("upload-status");
      var xhr = new XMLHttpRequest();
      bar.hidden = false;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.value = Math.round(e.loaded * 100 / e.total); status.textContent = "上传 " + bar.value + "%"; }
      });
      xhr.upload.addEventListener("load", function () { bar.removeAttribute("value"); status.textContent = "上传完成，正在逐行校验……"; });
      xhr.addEventListener("load", function () { document.open(); document.write(xhr.responseText); document.close(); });
      xhr.addEventListener("error", function () { status.textContent = "上传失败，请检查网络后重试"; bar.hidden = true; });
      xhr.open("POST", form.action);
      xhr.send(new FormData(form));
      form.querySelector("button[type=submit]").disabled = true;
    });
  }
  var commit = document.getElementById("commit-form");
  if (commit) {
    commit.addEventListener("submit", function () {
      document.getElementById("commit-progress").hidden = false;
      commit.querySelector("button[type=submit]").disabled = true;
    });
  }
})();
