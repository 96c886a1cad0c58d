/* What the application form and the applicant's edit form share: the fields (named by the API's
   paths, "applicant.email"), their errors, the files chosen, and refusals as sentences. */
(function () {
  "use strict";
  var TEXT_FIELDS = ["applicant.name", "applicant.organisation", "applicant.province", "applicant.email",
                     "category", "title", "summary", "language"];
  var REQUIRED = ["applicant.name", "applicant.email", "category", "title", "summary"];

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, name) { return name in values ? values[name] : whole; });
  }

  function size(bytes, lang) {
    var number = function (n) { return n.toLocaleString(lang === "en" ? "en-GB" : "vi-VN", {maximumFractionDigits: 1}); };
    if (bytes >= 1024 * 1024) return number(bytes / (1024 * 1024)) + " MB";
    return number(Math.max(bytes / 1024, 0.1)) + " KB";
  }

  function kind(form) {
    var checked = form.querySelector("input[name='applicant.kind']:checked");
    return checked ? checked.value : null;
  }

  /* The body the API takes (without consent): empty optional fields left out. */
  function collect(form) {
    var applicant = {kind: kind(form)}, body = {applicant: applicant};
    TEXT_FIELDS.forEach(function (name) {
      var value = form.elements[name].value.trim();
      if (!value) return;
      if (name.indexOf("applicant.") === 0) applicant[name.slice(10)] = value;
      else body[name] = value;
    });
    return body;
  }

  function fill(form, application) {
    var applicant = application.applicant;
    var radio = form.querySelector("input[name='applicant.kind'][value=" + applicant.kind + "]");
    if (radio) radio.checked = true;
    ["name", "organisation", "province", "email"].forEach(function (name) {
      form.elements["applicant." + name].value = applicant[name] || "";
    });
    ["category", "title", "summary", "language"].forEach(function (name) { form.elements[name].value = application[name] || ""; });
  }

  function errorBox(form, name) { return form.querySelector(".field-error[data-for='" + name + "']"); }

  function input(form, name) {
    var found = form.elements[name];
    return found && found.setAttribute ? found : null;
  }

  function fieldError(form, name, text) {
    var where = errorBox(form, name), field = input(form, name);
    if (field) field.setAttribute("aria-invalid", "true");
    if (!where) return false;
    where.textContent = text;
    where.hidden = false;
    return true;
  }

  function clearError(form, name) {
    var where = errorBox(form, name), field = input(form, name);
    if (where) { where.hidden = true; where.textContent = ""; }
    if (field) field.removeAttribute("aria-invalid");
  }

  function clearErrors(form) {
    form.querySelectorAll(".field-error").forEach(function (where) { clearError(form, where.dataset.for); });
  }

  /* What the browser can tell is wrong before anything is sent: {field: sentence}. */
  function problems(form, body, texts) {
    var found = {};
    REQUIRED.forEach(function (name) {
      var value = name.indexOf("applicant.") === 0 ? body.applicant[name.slice(10)] : body[name];
      if (!value) found[name] = texts.field_required;
    });
    if (body.applicant.email && !form.elements["applicant.email"].checkValidity()) found["applicant.email"] = texts.field_invalid;
    if (body.applicant.kind === "unit" && !body.applicant.organisation) found["applicant.organisation"] = texts.organisation_for_unit;
    if (form.elements.consent && !form.elements.consent.checked) found.consent = texts.field_required;
    return found;
  }

  /* The API's `errors` ({"applicant": {"email": [...]}}) as {"applicant.email": "..."}. */
  function flatten(errors, prefix, into) {
    into = into || {};
    Object.keys(errors || {}).forEach(function (key) {
      var value = errors[key], path = prefix ? prefix + "." + key : key;
      if (Array.isArray(value) || typeof value !== "object") into[path] = [].concat(value).join(" ");
      else if (path === "attachments") into[path] = Object.keys(value).map(function (name) {
        return name + ": " + [].concat(value[name]).join(" ");
      }).join(" ");
      else flatten(value, path, into);
    });
    return into;
  }

  /* Shows each field's error where it belongs; true if any found a place. */
  function showErrors(form, errors, texts, lang) {
    var shown = false, flat = flatten(errors);
    Object.keys(flat).forEach(function (name) {
      shown = fieldError(form, name, lang === "en" || name === "attachments" ? flat[name] : texts.field_invalid) || shown;
    });
    return shown;
  }

  /* A refusal as a sentence in the page's language: ours when we have one, else the API's own. */
  function refusal(body, texts, limits) {
    body = body || {};
    var files = body.errors && body.errors.attachments;
    var named = files && !Array.isArray(files) ? Object.keys(files)[0] : "";
    var own = texts["reason_" + body.reason];
    if (!own) return body.message || texts.field_invalid;
    return format(own, {name: named, limit: limits.limit, max: limits.max});
  }

  /* The files chosen so far: added from the file input (several times if need be), listed with
     their sizes, removable; over the limit or the count they are not added and `say` tells why. */
  function FilePicker(input, list, options) {
    this.input = input; this.list = list; this.options = options; this.files = [];
    var self = this;
    input.addEventListener("change", function () {
      Array.prototype.forEach.call(input.files, function (file) { self.add(file); });
      input.value = "";
      self.render();
    });
  }

  FilePicker.prototype.room = function () { return this.options.max - (this.options.kept ? this.options.kept() : 0); };

  FilePicker.prototype.add = function (file) {
    var o = this.options, values = {name: file.name, limit: size(o.limit, o.lang), max: o.max};
    if (file.size > o.limit) { o.say(format(o.texts.file_too_large, values)); return; }
    if (this.files.length >= this.room()) { o.say(format(o.texts.too_many_files, values)); return; }
    this.files.push(file);
    o.say("");
  };

  FilePicker.prototype.clear = function () { this.files = []; this.render(); };

  FilePicker.prototype.render = function () {
    var self = this, o = this.options;
    this.list.textContent = "";
    this.files.forEach(function (file, at) {
      var remove = ForumOps.el("button", {type: "button", className: "secondary", text: o.texts.remove,
                                          "aria-label": format(o.texts.remove_file, {name: file.name})});
      remove.addEventListener("click", function () { self.files.splice(at, 1); self.render(); self.input.focus(); });
      self.list.appendChild(ForumOps.el("li", {className: "queue"}, [
        ForumOps.el("span", {}, [file.name + " ", ForumOps.el("span", {className: "muted small", text: "(" + size(file.size, o.lang) + ")"})]),
        remove]));
    });
    if (o.changed) o.changed(this.files);
  };

  window.AwardsForm = {format: format, size: size, collect: collect, fill: fill, fieldError: fieldError,
                       clearError: clearError, clearErrors: clearErrors, problems: problems, showErrors: showErrors,
                       refusal: refusal, FilePicker: FilePicker};
})();
