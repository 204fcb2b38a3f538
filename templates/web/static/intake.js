// The intake form: show the checklist of the chosen workflow and the appointment date as soon as the
// workflow, group and grade are chosen (GET /tiep-nhan/han). Served from /static: no inline script.
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  if (!form) { return; }
  var out = document.getElementById("due-preview");
  function value(name) { var el = form.elements[name]; return el ? el.value : ""; }
  function checklists() {
    var chosen = value("workflow");
    document.querySelectorAll("fieldset.checklist").forEach(function (fs) {
      var mine = fs.getAttribute("data-workflow") === chosen;
      fs.hidden = !mine;
      fs.querySelectorAll("input").forEach(function (i) { i.disabled = !mine; });
    });
  }
  function due() {
    if (!value("workflow") || !value("group")) { return; }
    var q = new URLSearchParams({ workflow: value("workflow"), group: value("group"), grade: value("grade") });
    fetch("/tiep-nhan/han?" + q.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (body) { out.textContent = body.text; })
      .catch(function () { out.textContent = "Chưa tính được ngày hẹn."; });
  }
  ["workflow", "group", "grade"].forEach(function (n) {
    var el = form.elements[n];
    if (el) { el.addEventListener("change", function () { checklists(); due(); }); }
  });
  checklists();
  due();
}());
