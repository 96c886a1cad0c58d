/* One application as its juror reads it (the API leaves out the applicant when the review is
   blind: this page shows only what it is given), its attachments shown inline (jury_viewer.js),
   the scoring form (changeable until the review closes, then read-only) and the declared conflict. */
(function () {
  "use strict";
  var data = ForumOps.pageData(), texts = data.texts, lang = data.lang, J = AwardsJury, el = ForumOps.el;
  var $ = function (id) { return document.getElementById(id); };
  var self = "/api/v1/applications/" + encodeURIComponent(data.id);
  var form = $("scoring"), conflict = $("conflict");
  var viewer = new AwardsJury.Viewer($("viewer"), {texts: texts, say: function (text) { say(text, "error"); }});
  var token = null, queue = null, programme = null, item = null, closed = false;

  function say(text, kind) { ForumOps.notice($("message"), text, kind); if (text) $("message").scrollIntoView({block: "center"}); }
  function closes() { return ForumOps.formatTime(queue.programme.review_close_at); }
  function low(criterion) { return criterion.min === undefined ? 0 : criterion.min; }

  function lines(where, text) {
    where.textContent = "";
    text.split("\n").forEach(function (line, at) {
      if (at) where.appendChild(el("br"));
      where.appendChild(document.createTextNode(line));
    });
  }

  function show() {
    $("loading").hidden = true;
    $("details").hidden = false;
    $("programme-title").textContent = J.named(queue.programme.title, lang);
    $("application-title").textContent = item.title;
    document.title = item.title + " · ForumOps";
    $("category-name").textContent = J.categoryName(programme, item.category, lang);
    if (item.applicant) showApplicant(item.applicant);  // absent when the review is blind
    lines($("summary-text"), item.summary);
    showAttachments();
    showCriteria();
    showReview();
  }

  function showApplicant(applicant) {
    [["applicant", texts.applicant_label, applicant.name + " (" + texts["kind_" + applicant.kind] + ")"],
     ["organisation", texts.organisation_label, applicant.organisation || "—"],
     ["province", texts.province_label, applicant.province || "—"]].forEach(function (fact) {
      $("facts").appendChild(el("dt", {text: fact[1]}));
      $("facts").appendChild(el("dd", {id: fact[0], text: fact[2]}));
    });
  }

  // -- attachments ---------------------------------------------------------------------------

  function showAttachments() {
    var list = $("attachments");
    list.textContent = "";
    if (!item.attachments.length) list.appendChild(el("li", {className: "muted", text: texts.no_files}));
    item.attachments.forEach(function (file) {
      var button = el("button", {type: "button", className: "secondary", text: file.file_name, "aria-controls": "viewer",
                                 "aria-label": J.format(texts.view_file, {name: file.file_name}), "data-attachment": file.id});
      button.addEventListener("click", function () { viewer.show(self + "/attachments/" + encodeURIComponent(file.id), file, token); });
      list.appendChild(el("li", {}, [button, " ", el("span", {className: "muted small", text: "(" + J.size(file.size, lang) + ")"})]));
    });
  }

  // -- scores --------------------------------------------------------------------------------

  function showCriteria() {
    var list = queue.programme.criteria, box = $("criteria");
    var total = list.reduce(function (sum, c) { return sum + Number(c.weight); }, 0) || 1;
    box.textContent = "";
    list.forEach(function (c) {
      var id = "score-" + c.code;
      var scale = J.format(texts.criterion_scale, {weight: J.number(c.weight, lang), share: Math.round(100 * c.weight / total),
                                                   min: J.number(low(c), lang), max: J.number(c.max, lang)});
      box.appendChild(el("div", {className: "criterion"}, [
        el("label", {"for": id, text: J.named(c.name, lang)}),
        el("p", {className: "muted small", id: id + "-scale", text: scale}),
        el("input", {type: "number", id: id, name: c.code, min: String(low(c)), max: String(c.max), step: "any",
                     inputmode: "decimal", required: "", "aria-describedby": id + "-scale " + id + "-error"}),
        el("p", {className: "field-error", id: id + "-error", "data-for": c.code, hidden: ""})]));
    });
  }

  function showReview() {
    var review = item.review, scored = review.state === "submitted";
    queue.programme.criteria.forEach(function (c) {
      var given = review.scores ? review.scores[c.code] : null;
      form.elements[c.code].value = given === null || given === undefined ? "" : given;
    });
    form.elements.comment.value = review.comment || "";
    $("status").className = "status " + (scored ? "scored" : "to-score");
    $("status").textContent = texts["state_" + review.state] || review.state;
    $("review-state").textContent = scored
      ? J.format(texts.scored_at, {time: ForumOps.formatTime(review.submitted_at), date: closes()})
      : J.format(texts.not_scored, {date: closes()});
    $("save").textContent = scored ? texts.save_again : texts.save_first;
    conflict.hidden = scored;
    $("conflict-note").textContent = texts.conflict_after_scoring;
    $("conflict-note").hidden = !scored;
    if (closed) readOnly();
  }

  /* Once the review has closed: the scores stay to be read; nothing can be sent. */
  function readOnly() {
    closed = true;
    $("scores-set").disabled = true;
    $("save-actions").hidden = true;
    conflict.hidden = true;
    $("conflict-note").hidden = true;
    $("review-state").textContent = J.format(texts.read_only, {date: closes()});
  }

  function fieldError(name, text) {
    var where = form.querySelector(".field-error[data-for='" + name + "']");
    where.textContent = text;
    where.hidden = false;
    form.elements[name].setAttribute("aria-invalid", "true");
  }

  function clearErrors() {
    form.querySelectorAll(".field-error").forEach(function (where) {
      where.hidden = true;
      where.textContent = "";
      form.elements[where.dataset.for].removeAttribute("aria-invalid");
    });
  }

  function problem(c) {
    var input = form.elements[c.code], range = J.format(texts.score_range, {min: J.number(low(c), lang), max: J.number(c.max, lang)});
    if (input.validity.badInput) return range;
    if (input.value.trim() === "") return texts.score_required;
    var value = Number(input.value);
    return value >= low(c) && value <= c.max ? null : range;
  }

  function scores() {
    var found = {}, wrong = false;
    queue.programme.criteria.forEach(function (c) {
      var why = problem(c);
      if (why) { fieldError(c.code, why); wrong = true; } else found[c.code] = Number(form.elements[c.code].value);
    });
    return wrong ? null : found;
  }

  function refused(answer) {
    var body = answer.body || {};
    if (body.reason === "review_closed" || body.reason === "review_not_open") readOnly();
    if (answer.status === 401) J.forget(token);
    var named = body.errors && body.errors.scores;
    if (named && typeof named === "object") {
      queue.programme.criteria.forEach(function (c) { if (named[c.code]) fieldError(c.code, problem(c) || texts.score_required); });
    }
    say(J.refusal(body, texts), "error");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (closed) return;
    clearErrors();
    var given = scores();
    if (!given) { say(texts.form_invalid, "error"); return; }
    var comment = form.elements.comment.value.trim();
    $("save").disabled = true;
    ForumOps.api("PUT", self + "/reviews/me", {token: token, body: {scores: given, comment: comment || null}}).then(function (answer) {
      $("save").disabled = false;
      if (!answer.ok) { refused(answer); return; }
      item.review = answer.body;
      showReview();
      say(J.format(texts.saved, {score: J.number(answer.body.score, lang)}), "ok");
    }).catch(function () { $("save").disabled = false; say(texts.network, "error"); });
  });
  form.addEventListener("input", function (event) {
    var where = form.querySelector(".field-error[data-for='" + event.target.name + "']");
    if (where) { where.hidden = true; where.textContent = ""; event.target.removeAttribute("aria-invalid"); }
  });

  // -- a declared conflict -------------------------------------------------------------------

  function stepAside(replaced) {
    viewer.clear();
    $("details").hidden = true;
    say(replaced ? texts.conflict_declared : texts.conflict_declared_alone, "ok");
  }

  conflict.addEventListener("submit", function (event) {
    event.preventDefault();
    var field = conflict.elements.reason, error = $("conflict-reason-error"), reason = field.value.trim();
    error.hidden = !!reason;
    error.textContent = reason ? "" : texts.conflict_reason_required;
    if (!reason) { field.setAttribute("aria-invalid", "true"); field.focus(); return; }
    field.removeAttribute("aria-invalid");
    if (!confirm(texts.conflict_confirm)) return;
    ForumOps.api("PUT", self + "/reviews/me", {token: token, body: {conflict: true, reason: reason}}).then(function (answer) {
      if (!answer.ok) { refused(answer); return; }
      stepAside(answer.body.replaced);
    }).catch(function () { say(texts.network, "error"); });
  });

  window.addEventListener("pagehide", function () { viewer.clear(); });

  J.take();
  if (!J.stored().length) { $("loading").hidden = true; say(texts.no_token, "error"); return; }
  J.queues().then(function (result) {
    result.found.some(function (found) {
      item = found.queue.assignments.filter(function (a) { return a.id === data.id; })[0] || null;
      if (item) { token = found.token; queue = found.queue; programme = found.programme; }
      return item;
    });
    $("loading").hidden = true;
    if (!item) {
      if (result.failed) say(J.refusal(result.failed.body, texts), "error");
      else say(!result.found.length && result.refused.length ? texts.link_refused : texts.not_in_queue, "error");
      return;
    }
    closed = programme.phase !== "review";
    show();
    if (closed) say($("review-state").textContent, "warn");
  }).catch(function () { $("loading").hidden = true; say(texts.network, "error"); });
})();
