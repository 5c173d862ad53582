// The desk's keyboard: j/k move through the queue, o opens a flag, c/d/s confirm,
// dismiss or mark "needs source". Everything here is also a plain link or form button,
// so the desk works without JavaScript.
(function () {
  "use strict";
  var STATUS = {c: "confirmed", d: "dismissed", s: "needs_source"};

  function typing(e) {
    var t = e.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  function queue() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr.flag-row"));
    if (!rows.length) return;
    var at = 0;
    var saved = sessionStorage.getItem("claimtrack.row");
    rows.forEach(function (r, i) { if (r.dataset.flagId === saved) at = i; });

    function show(i) {
      at = Math.max(0, Math.min(rows.length - 1, i));
      rows.forEach(function (r, j) { r.classList.toggle("current", j === at); });
      rows[at].focus({preventScroll: true});
      rows[at].scrollIntoView({block: "nearest"});
      sessionStorage.setItem("claimtrack.row", rows[at].dataset.flagId);
    }
    show(at);

    document.addEventListener("keydown", function (e) {
      if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
      var row = rows[at];
      if (e.key === "j") { show(at + 1); }
      else if (e.key === "k") { show(at - 1); }
      else if (e.key === "o" || e.key === "Enter") { row.querySelector("a.open").click(); }
      else if (STATUS[e.key]) {
        var b = row.querySelector('button[data-key="' + e.key + '"]');
        if (b && !b.disabled) { b.click(); }
      } else { return; }
      e.preventDefault();
    });
  }

  function flag() {
    var form = document.getElementById("status-form");
    if (!form) return;
    document.addEventListener("keydown", function (e) {
      if (typing(e) || e.ctrlKey || e.metaKey || e.altKey || !STATUS[e.key]) return;
      var radio = form.querySelector('input[name=status][value="' + STATUS[e.key] + '"]');
      if (radio) { radio.checked = true; document.getElementById("note").focus(); e.preventDefault(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.body.classList.contains("page-queue")) queue();
    if (document.body.classList.contains("page-flag")) flag();
  });
})();
