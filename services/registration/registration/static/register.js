/* The registration form: sent to the JSON API with an Idempotency-Key, so a retry after a lost
   answer cannot register anyone twice; field errors shown where they belong. */
(function () {
  "use strict";
  var data = ForumOps.pageData(), texts = data.texts;
  var form = document.getElementById("register");
  var pointField = document.getElementById("point-field");
  var submit = document.getElementById("submit");
  var keyName = "forumops:idempotency:" + data.slug;
  new PointPicker(document.getElementById("point"), document.getElementById("point-search"), data.points, texts);

  function attendance() { return form.querySelector("input[name=attendance]:checked").value; }
  function showPointField() { pointField.hidden = attendance() !== "onsite"; }
  form.querySelectorAll("input[name=attendance]").forEach(function (radio) {
    radio.addEventListener("change", showPointField);
  });

  function clearErrors() {
    document.getElementById("form-error").hidden = true;
    form.querySelectorAll(".field-error").forEach(function (p) { p.hidden = true; p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (input) { input.removeAttribute("aria-invalid"); });
  }

  function fieldError(name, text) {
    var where = form.querySelector(".field-error[data-for=" + name + "]");
    var input = form.elements[name];
    if (input && input.setAttribute) input.setAttribute("aria-invalid", "true");
    if (!where) return false;
    where.textContent = text;
    where.hidden = false;
    return true;
  }

  function formError(text) {
    var box = document.getElementById("form-error");
    ForumOps.notice(box, text, "error");
    box.scrollIntoView({block: "center"});
  }

  /* Checks the browser can make before anything is sent. */
  function missing(body) {
    var found = false;
    ["full_name", "email"].forEach(function (name) {
      if (!body[name]) found = fieldError(name, texts.field_required) || found;
    });
    if (body.email && !form.elements.email.checkValidity()) found = fieldError("email", texts.field_invalid) || found;
    if (body.attendance === "onsite" && !body.point) found = fieldError("point", texts.field_required) || found;
    if (!body.consent) found = fieldError("consent", texts.field_required) || found;
    return found;
  }

  function collect() {
    var body = {attendance: attendance(), language: data.lang, consent: form.elements.consent.checked};
    ["full_name", "email", "phone", "organisation", "role"].forEach(function (name) {
      var value = form.elements[name].value.trim();
      if (value) body[name] = value;
    });
    if (body.attendance === "onsite" && form.elements.point.value) body.point = form.elements.point.value;
    return body;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var body = collect();
    if (missing(body)) return;
    var key = sessionStorage.getItem(keyName) || ForumOps.randomId();
    sessionStorage.setItem(keyName, key);  // the same key until an answer arrives: retries are safe
    submit.disabled = true;
    submit.textContent = texts.sending;
    ForumOps.api("POST", "/api/v1/forums/" + encodeURIComponent(data.slug) + "/registrations",
                 {body: body, headers: {"Idempotency-Key": key}})
      .then(function (answer) {
        if (answer.status === 201) {
          sessionStorage.removeItem(keyName);
          var id = answer.body.id, token = answer.body.manage_token;
          localStorage.setItem("forumops:registration:" + id, token);
          location.assign("/registrations/" + encodeURIComponent(id) + "#token=" + encodeURIComponent(token));
          return;
        }
        if (answer.status !== 429) sessionStorage.removeItem(keyName);  // a refused form is a new request once fixed
        var errors = (answer.body && answer.body.errors) || {};
        Object.keys(errors).forEach(function (name) {
          var detail = [].concat(errors[name]).join(" ");
          fieldError(name, data.lang === "en" ? detail : texts.field_invalid);
        });
        formError((answer.body && answer.body.message) || texts.field_invalid);
      })
      .catch(function () { formError(texts.network); })
      .then(function () { submit.disabled = false; submit.textContent = submit.dataset.label; });
  });
  submit.dataset.label = submit.textContent;
  showPointField();
})();
