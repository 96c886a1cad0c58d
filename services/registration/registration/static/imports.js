/* Organisers' CSV imports: the file goes to the API as is; the per-row report comes back and is
   shown in the page's language, each refusal a sentence with its line (api/import_texts.py). */
(function () {
  "use strict";
  var data = ForumOps.pageData(), texts = data.texts;
  var $ = function (id) { return document.getElementById(id); };
  var tokenKey = "forumops:organiser-token";
  $("token").value = sessionStorage.getItem(tokenKey) || "";

  function say(text, kind) { ForumOps.notice($("message"), text, kind); }

  /* `template` with each {name} replaced by values[name]. */
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      var value = values[name];
      return value === undefined || value === null ? whole : Array.isArray(value) ? value.join(", ") : String(value);
    });
  }

  function fieldMessage(message) {
    if (data.lang !== "vi") return message;
    var prefix = Object.keys(data.messages).filter(function (p) { return message.indexOf(p) === 0; })[0];
    return prefix ? data.messages[prefix] : texts.not_valid;
  }

  /* {field: [messages]} (nested for nested fields) as "Field: message; message." parts, the
     fields in the order of the file's columns (the answer's order is not the columns'). */
  function fieldErrors(errors) {
    var order = data.field_order;
    var place = function (field) { return order.indexOf(field) < 0 ? order.length : order.indexOf(field); };
    return Object.keys(errors || {}).sort(function (a, b) { return place(a) - place(b); }).map(function (field) {
      var messages = [].concat(errors[field]).map(function (m) {
        return typeof m === "string" ? fieldMessage(m) : fieldErrors(m);
      });
      var unique = messages.filter(function (m, i) { return messages.indexOf(m) === i; });
      return (data.fields[field] || field) + ": " + unique.join("; ");
    }).join(". ");
  }

  /* A refused row as one sentence: "Dòng 4 (HN-01): Một số trường chưa hợp lệ. Sức chứa: ...". */
  function refusal(row) {
    var subject = row.code || row.email || row.name;
    var reason = data.reasons[row.reason] || row.reason || "";
    var fields = fieldErrors(row.errors);
    return fill(texts.line, {line: row.line}) + (subject ? " (" + subject + ")" : "") + ": " + reason +
      (fields ? " " + fields + "." : "");
  }

  function outcomeDetail(row) {
    var parts = [row.code || row.email || row.name].filter(Boolean);
    if (row.status && texts[row.status]) parts.push(texts[row.status]);
    if (row.ticket_code) parts.push(row.ticket_code);
    if (row.promoted) parts.push(fill(texts.promoted, {n: row.promoted}));
    return parts.join(" · ");
  }

  function table(lines) {
    var head = $("report").querySelector("thead"), body = $("report").querySelector("tbody");
    head.textContent = body.textContent = "";
    head.appendChild(ForumOps.el("tr", {}, [ForumOps.el("th", {text: texts.row}), ForumOps.el("th", {text: texts.outcome}),
                                            ForumOps.el("th", {text: texts.detail})]));
    lines.forEach(function (line) {
      body.appendChild(ForumOps.el("tr", {"data-outcome": line.outcome}, [
        ForumOps.el("td", {text: line.line ? String(line.line) : "—"}),
        ForumOps.el("td", {text: texts[line.outcome] || line.outcome}), ForumOps.el("td", {text: line.text})]));
    });
    $("report-wrap").hidden = false;
  }

  function report(body) {
    var totals = Object.keys(body).filter(function (k) { return k !== "rows" && typeof body[k] === "number"; })
      .map(function (k) { return (texts[k] || k) + ": " + body[k]; }).join(", ");
    say(fill(texts.totals, {totals: totals}), body.refused ? "warn" : "ok");
    table((body.rows || []).map(function (row) {
      return {line: row.line, outcome: row.outcome, text: row.outcome === "refused" ? refusal(row) : outcomeDetail(row)};
    }));
  }

  /* A file refused whole: each of its problems, with its line where it has one. */
  function refusedFile(body) {
    var problems = (body.detail && body.detail.problems) || [];
    if (!problems.length) { say(body.message, "error"); $("report-wrap").hidden = true; return; }
    say(texts.file_refused, "error");
    table(problems.map(function (problem) {
      var template = data.problems[problem.code];
      return {line: problem.line, outcome: "refused", text: template ? fill(template, problem) : body.message};
    }));
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
        .then(function (answer) {
          if (answer.ok) report(answer.body);
          else if (answer.body && answer.body.reason === "invalid_csv") refusedFile(answer.body);
          else { say(answer.body && answer.body.message, "error"); $("report-wrap").hidden = true; }
        })
        .catch(function () { say(texts.network, "error"); });
    });
  });
})();
