/* "My application": what was sent, its files (downloaded with the token: fetch + blob, since the
   token may not travel in a URL), edits and files added or removed until applications close,
   withdrawal until the review closes. The manage token comes from the link's fragment, leaves the
   address bar at once and stays on this device until the application is withdrawn or the service
   no longer takes it. */
(function () {
  "use strict";
  var data = ForumOps.pageData(), texts = data.texts, F = AwardsForm;
  var storeKey = "forumops:application:" + data.id;
  var given = ForumOps.fragment();
  if (given.token) {  // kept before it leaves the address bar, so a reload still finds it
    localStorage.setItem(storeKey, given.token);
    history.replaceState(null, "", location.pathname + location.search);
  }
  var token = given.token || localStorage.getItem(storeKey);
  var self = "/api/v1/applications/" + encodeURIComponent(data.id);
  var TOKEN_REFUSED = [401, 403, 404];
  var programme = null, application = null;
  var $ = function (id) { return document.getElementById(id); };
  var edit = $("edit"), adding = $("add-files");
  var limits = {limit: F.size(data.limit, data.lang), max: data.max_files};

  function say(text, kind) { ForumOps.notice($("message"), text, kind); if (text) $("message").scrollIntoView({block: "center"}); }
  function forget() { localStorage.removeItem(storeKey); }
  function refused(answer) { say(F.refusal(answer.body, texts, limits), "error"); }
  function editable() { return application.status === "submitted" && programme.phase === "applications"; }
  function withdrawable() {
    return application.status === "submitted" && ["applications", "review"].indexOf(programme.phase) >= 0;
  }

  function categoryName(code) {
    var found = programme.categories.filter(function (c) { return c.code === code; })[0];
    return found ? (found.name[data.lang] || found.name.vi) : code;
  }

  function lines(where, text) {
    where.textContent = "";
    text.split("\n").forEach(function (line, at) {
      if (at) where.appendChild(document.createElement("br"));
      where.appendChild(document.createTextNode(line));
    });
  }

  function phaseText() {
    var dates = {applications: programme.applications_close_at, review: programme.review_close_at,
                 deciding: programme.results_at};
    var text = texts["phase_" + programme.phase];
    return text ? F.format(text, {date: ForumOps.formatTime(dates[programme.phase] || programme.results_at)}) : "";
  }

  function show() {
    var a = application, applicant = a.applicant;
    $("details").hidden = false;
    $("application-title").textContent = a.title;
    $("status").className = "status " + (a.status === "withdrawn" ? "cancelled" : "confirmed");
    $("status").textContent = texts[a.status] || a.status;
    $("category-name").textContent = categoryName(a.category);
    $("applicant").textContent = applicant.name + " (" + texts["kind_" + applicant.kind] + ")";
    $("organisation").textContent = applicant.organisation || "—";
    $("province").textContent = applicant.province || "—";
    $("email").textContent = applicant.email;
    $("created").textContent = ForumOps.formatTime(a.created_at);
    $("reference").textContent = a.id;
    lines($("summary-text"), a.summary);
    $("phase").textContent = a.status === "withdrawn" ? "" : phaseText();
    showAttachments();
    edit.hidden = !editable();
    adding.hidden = !editable() || a.attachments.length >= data.max_files;
    $("withdrawal").hidden = !withdrawable();
    $("keep").hidden = a.status === "withdrawn";
    if (editable()) F.fill(edit, a);
  }

  function showAttachments() {
    var list = $("attachments");
    list.textContent = "";
    if (!application.attachments.length) list.appendChild(ForumOps.el("li", {className: "muted", text: texts.no_files}));
    application.attachments.forEach(function (file) {
      var download = ForumOps.el("button", {type: "button", className: "secondary", text: file.file_name,
                                            "aria-label": F.format(texts.download_file, {name: file.file_name})});
      download.addEventListener("click", function () { fetchFile(file); });
      var item = [ForumOps.el("span", {}, [download, " ", ForumOps.el("span", {className: "muted small",
                                                                                  text: "(" + F.size(file.size, data.lang) + ")"})])];
      if (editable()) {
        var remove = ForumOps.el("button", {type: "button", className: "danger", text: texts.remove,
                                            "aria-label": F.format(texts.remove_file, {name: file.file_name})});
        remove.addEventListener("click", function () { removeFile(file); });
        item.push(remove);
      }
      list.appendChild(ForumOps.el("li", {className: "queue"}, item));
    });
  }

  function fetchFile(file) {
    ForumOps.api("GET", self + "/attachments/" + encodeURIComponent(file.id), {token: token}).then(function (answer) {
      if (!answer.ok) { refused(answer); return; }
      var url = URL.createObjectURL(answer.body);
      var link = ForumOps.el("a", {href: url, download: file.file_name});
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    }).catch(function () { say(texts.network, "error"); });
  }

  function removeFile(file) {
    if (!confirm(F.format(texts.remove_confirm, {name: file.file_name}))) return;
    ForumOps.api("DELETE", self + "/attachments/" + encodeURIComponent(file.id), {token: token}).then(function (answer) {
      if (!answer.ok) { refused(answer); return; }
      return load().then(function () { say(F.format(texts.file_removed, {name: file.file_name}), "ok"); });
    }).catch(function () { say(texts.network, "error"); });
  }

  function load() {
    return ForumOps.api("GET", self, {token: token}).then(function (answer) {
      if (!answer.ok) {
        if (TOKEN_REFUSED.indexOf(answer.status) >= 0) forget();  // the link no longer opens anything
        say(answer.status === 429 ? answer.body.message : texts.not_found, "error");
        return;
      }
      application = answer.body;
      if (application.status === "withdrawn") forget();  // nothing left to come back for
      return ForumOps.api("GET", "/api/v1/programmes/" + encodeURIComponent(application.programme)).then(function (got) {
        programme = got.body;
        var title = programme.title[data.lang] || programme.title.vi;
        $("programme-title").textContent = title;
        document.title = title + " · ForumOps";
        fillChoices();
        show();
      });
    }).catch(function () { say(texts.network, "error"); });
  }

  /* The edit form's choices are the programme's: its categories, the kinds of applicant it takes. */
  function fillChoices() {
    var select = edit.elements.category;
    if (select.options.length > 1) return;
    programme.categories.forEach(function (c) {
      select.appendChild(ForumOps.el("option", {value: c.code, text: c.name[data.lang] || c.name.vi}));
    });
    edit.querySelectorAll("[data-kind]").forEach(function (label) {
      label.hidden = programme.applicants !== "both" && programme.applicants !== label.dataset.kind;
    });
  }

  edit.addEventListener("submit", function (event) {
    event.preventDefault();
    F.clearErrors(edit);
    var body = F.collect(edit), found = F.problems(edit, body, texts);
    Object.keys(found).forEach(function (name) { F.fieldError(edit, name, found[name]); });
    if (Object.keys(found).length) { say(texts.form_invalid, "error"); return; }
    ForumOps.api("PATCH", self, {token: token, body: body}).then(function (answer) {
      if (!answer.ok) { F.showErrors(edit, answer.body.errors, texts, data.lang); refused(answer); return; }
      application = answer.body;
      show();
      say(texts.changed, "ok");
    }).catch(function () { say(texts.network, "error"); });
  });
  edit.addEventListener("input", function (event) { if (event.target.name) F.clearError(edit, event.target.name); });

  var picker = new F.FilePicker($("files"), $("files-list"), {
    limit: data.limit, max: data.max_files, lang: data.lang, texts: texts,
    kept: function () { return application ? application.attachments.length : 0; },
    say: function (text) { if (text) F.fieldError(adding, "attachments", text); else F.clearError(adding, "attachments"); },
    changed: function (files) { $("upload").disabled = !files.length; },
  });
  adding.addEventListener("submit", function (event) {
    event.preventDefault();
    var parts = new FormData();
    picker.files.forEach(function (file) { parts.append("files", file, file.name); });
    ForumOps.api("POST", self + "/attachments", {token: token, form: parts}).then(function (answer) {
      if (!answer.ok) {
        var sentence = F.refusal(answer.body, texts, limits);
        F.fieldError(adding, "attachments", sentence);
        say(sentence, "error");
        return;
      }
      picker.clear();
      return load().then(function () { say(texts.files_added, "ok"); });
    }).catch(function () { say(texts.network, "error"); });
  });

  $("withdraw").addEventListener("click", function () {
    if (!confirm(texts.withdraw_confirm)) return;
    ForumOps.api("POST", self + "/withdraw", {token: token}).then(function (answer) {
      if (!answer.ok) { refused(answer); return; }
      forget();
      application = answer.body;
      show();
      say(texts.withdrawn_now, "ok");
    }).catch(function () { say(texts.network, "error"); });
  });

  if (!token) { say(texts.no_token, "error"); return; }
  var link = location.origin + location.pathname + "#token=" + encodeURIComponent(token);
  $("keep-text").textContent = texts.keep_link;
  $("keep-link").href = link;
  $("keep-link").textContent = link;
  load().then(function () {
    if (given.sent && application) say(F.format(texts.sent_now, {email: application.applicant.email}), "ok");
  });
})();
