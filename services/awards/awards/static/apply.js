/* The application form: sent as multipart (the JSON part `application` and the files) with an
   Idempotency-Key kept for the attempt, so a retry after a lost answer cannot apply twice; field
   errors shown where they belong, refusals as sentences. */
(function () {
  "use strict";
  var data = ForumOps.pageData(), texts = data.texts, F = AwardsForm;
  var form = document.getElementById("apply"), submit = document.getElementById("submit");
  var formError = document.getElementById("form-error");
  var keyName = "forumops:awards:idempotency:" + data.slug;
  var limits = {limit: F.size(data.limit, data.lang), max: data.max_files};
  var picker = new F.FilePicker(document.getElementById("files"), document.getElementById("files-list"), {
    limit: data.limit, max: data.max_files, lang: data.lang, texts: texts,
    say: function (text) { if (text) F.fieldError(form, "attachments", text); else F.clearError(form, "attachments"); },
  });

  function showOrganisationNote() {
    var unit = form.querySelector("input[name='applicant.kind']:checked").value === "unit";
    document.getElementById("organisation-note").hidden = !unit;
  }

  function problem(text) {
    ForumOps.notice(formError, text, "error");
    formError.scrollIntoView({block: "center"});
  }

  function refused(answer) {
    if (answer.status !== 429) sessionStorage.removeItem(keyName);  // once fixed, a new request
    var body = answer.body || {}, sentence = F.refusal(body, texts, limits);
    F.showErrors(form, body.errors, texts, data.lang);
    if (/attachment/.test(body.reason || "")) F.fieldError(form, "attachments", sentence);
    problem(sentence);
  }

  function send(body) {
    var key = sessionStorage.getItem(keyName) || ForumOps.randomId();
    sessionStorage.setItem(keyName, key);  // the same key until an answer arrives: a retry is the same request
    var parts = new FormData();
    parts.append("application", JSON.stringify(body));
    picker.files.forEach(function (file) { parts.append("files", file, file.name); });
    submit.disabled = true;
    submit.textContent = texts.sending;
    return ForumOps.api("POST", "/api/v1/programmes/" + encodeURIComponent(data.slug) + "/applications",
                        {form: parts, headers: {"Idempotency-Key": key}})
      .then(function (answer) {
        if (answer.status !== 201) { refused(answer); return; }
        sessionStorage.removeItem(keyName);
        var id = answer.body.id, token = answer.body.manage_token;
        localStorage.setItem("forumops:application:" + id, token);
        location.assign("/applications/" + encodeURIComponent(id) + "#token=" + encodeURIComponent(token) + "&sent=1");
      })
      .catch(function () { problem(texts.network); })
      .then(function () { submit.disabled = false; submit.textContent = submit.dataset.label; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    F.clearErrors(form);
    formError.hidden = true;
    var body = F.collect(form);
    var found = F.problems(form, body, texts);
    Object.keys(found).forEach(function (name) { F.fieldError(form, name, found[name]); });
    if (Object.keys(found).length) { problem(texts.form_invalid); return; }
    body.consent = true;
    send(body);
  });

  /* A field's error leaves once the person changes the field. */
  form.addEventListener("input", function (event) { if (event.target.name) F.clearError(form, event.target.name); });
  form.addEventListener("change", function (event) {
    if (event.target.name) F.clearError(form, event.target.name);
    if (event.target.name === "applicant.kind") { showOrganisationNote(); F.clearError(form, "applicant.organisation"); }
  });
  submit.dataset.label = submit.textContent;
  showOrganisationNote();
})();
