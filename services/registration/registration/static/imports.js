/* Organisers' CSV imports: the file goes to the API as is; the per-row report comes back. */
(function () {
  "use strict";
  var data = ForumOps.pageData(), texts = data.texts;
  var $ = function (id) { return document.getElementById(id); };
  var tokenKey = "forumops:organiser-token";
  $("token").value = sessionStorage.getItem(tokenKey) || "";

  function say(text, kind) { ForumOps.notice($("message"), text, kind); }

  function report(body) {
    var totals = Object.keys(body).filter(function (k) { return k !== "rows"; })
      .map(function (k) { return k + ": " + body[k]; }).join(", ");
    say(texts.totals.replace("{totals}", totals), body.refused ? "warn" : "ok");
    var head = $("report").querySelector("thead"), rows = $("report").querySelector("tbody");
    head.textContent = rows.textContent = "";
    head.appendChild(ForumOps.el("tr", {}, [ForumOps.el("th", {text: texts.row}), ForumOps.el("th", {text: texts.outcome}),
                                            ForumOps.el("th", {text: texts.detail})]));
    (body.rows || []).forEach(function (row) {
      var detail = Object.keys(row).filter(function (k) { return k !== "line" && k !== "outcome"; })
        .map(function (k) { return k + ": " + (typeof row[k] === "object" ? JSON.stringify(row[k]) : row[k]); }).join("; ");
      rows.appendChild(ForumOps.el("tr", {"data-outcome": row.outcome}, [ForumOps.el("td", {text: String(row.line)}),
        ForumOps.el("td", {text: row.outcome}), ForumOps.el("td", {text: detail})]));
    });
    $("report-wrap").hidden = false;
  }

  document.querySelectorAll("form.import").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var token = $("token").value.trim();
      if (!token) { say(texts.need_token, "error"); return; }
      sessionStorage.setItem(tokenKey, token);
      var file = new FormData();
      file.append("file", form.querySelector("input[type=file]").files[0]);
      ForumOps.api("POST", "/api/v1/forums/" + encodeURIComponent(data.slug) + "/" + form.dataset.path,
                   {token: token, form: file})
        .then(function (answer) { if (answer.ok) report(answer.body); else say(answer.body.message, "error"); })
        .catch(function () { say(texts.network, "error"); });
    });
  });
})();
