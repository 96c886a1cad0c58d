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

  function clearError(name) {
    var where = form.querySelector(".field-error[data-for=" + name + "]");
    if (where) { where.hidden = true; where.textContent = ""; }
    var input = form.elements[name];
    if (input && input.removeAttribute) input.removeAttribute("aria-invalid");
  }

  function clearErrors() {
    document.getElementById("form-error").hidden = true;
    ["full_name", "email", "phone", "organisation", "role", "attendance", "point", "consent"].forEach(clearError);
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

  /* What is wrong with a field that the browser can tell before anything is sent, or null. */
  function problem(name, body) {
    if ((name === "full_name" || name === "email") && !body[name]) return texts.field_required;
    if (name === "email" && !form.elements.email.checkValidity()) return texts.field_invalid;
    if (name === "point" && body.attendance === "onsite" && !body.point) return texts.field_required;
    if (name === "consent" && !body.consent) return texts.field_required;
    return null;
  }

  function missing(body) {
    var found = false;
    ["full_name", "email", "point", "consent"].forEach(function (name) {
      var text = problem(name, body);
      if (text) found = fieldError(name, text) || found;
    });
    return found;
  }

  /* A field's error leaves as soon as the field is put right (for an error only the service could
     see, as soon as the person changes the field); the form's summary leaves with the last one. */
  function recheck(name) {
    var where = form.querySelector(".field-error[data-for=" + name + "]");
    if (!where || where.hidden || problem(name, collect())) return;
    clearError(name);
    if (!form.querySelector(".field-error:not([hidden])")) document.getElementById("form-error").hidden = true;
  }

  form.addEventListener("input", function (event) { if (event.target.name) recheck(event.target.name); });
  form.addEventListener("change", function (event) {
    if (event.target.name) recheck(event.target.name);
    if (event.target.name === "attendance") recheck("point");  // online needs no point
  });

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
