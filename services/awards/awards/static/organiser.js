/* The organiser's page of a programme. The organiser token is asked for and kept in this tab
   (sessionStorage), as registration's organiser pages keep it; without it nothing is shown. The
   decision is saved as the API takes it: when it departs from the proposal, the API names the
   departures and the page asks for the reason, then saves again with it. Publishing the same way:
   a second publication is a correction and needs its reason. */
(function () {
  "use strict";
  var data = ForumOps.pageData(), texts = data.texts, R = AwardsRanking;
  var $ = function (id) { return document.getElementById(id); };
  var tokenKey = "forumops:organiser-token";
  var base = "/api/v1/programmes/" + encodeURIComponent(data.slug);
  var saved = null;  // the decision in force, as {code: [ids]}, or null
  var decisionVersion = null;
  $("token").value = sessionStorage.getItem(tokenKey) || "";

  function say(text, kind) { ForumOps.notice($("message"), text, kind); }
  function refusal(answer) {
    var body = answer.body || {}, text = texts["reason_" + body.reason];
    if (text) return text;
    var fields = body.errors ? " " + JSON.stringify(body.errors) : "";
    return (body.message || String(answer.status)) + fields;
  }
  function call(method, path, body) {
    return ForumOps.api(method, base + path, {token: $("token").value.trim(), body: body});
  }
  function failed(e) { if (e !== null) say(texts.network, "error"); }
  function busy(button, on) { button.disabled = on; }

  function hideAll(text, kind) {
    $("organiser-area").hidden = true;
    $("categories").textContent = "";
    say(text, kind);
  }

  function load() {
    if (!$("token").value.trim()) { hideAll(texts.need_token, "warn"); return Promise.resolve(); }
    return Promise.all([call("GET", "/ranking"), call("GET", "/decisions")]).then(function (answers) {
      var refused = answers.filter(function (a) { return !a.ok; })[0];
      if (refused) {
        if (refused.status === 401 || refused.status === 403) sessionStorage.removeItem(tokenKey);
        hideAll(refusal(refused), "error");
        return;
      }
      sessionStorage.setItem(tokenKey, $("token").value.trim());
      say("");
      var decisions = answers[1].body;
      R.render($("categories"), answers[0].body, decisions.current && decisions.current.winners, texts, data.lang);
      showDecisions(decisions);
      $("organiser-area").hidden = false;
      return Promise.all([loadPublication(), loadAssignment()]);
    }).catch(failed);
  }

  function showDecisions(decisions) {
    var current = decisions.current;
    saved = current ? current.winners : null;
    decisionVersion = current ? current.version : null;
    $("decision-state").textContent = current ? R.format(texts.decision_in_force, {
      version: current.version, time: ForumOps.formatTime(current.decided_at)}) : texts.no_decision_yet;
    R.history($("history"), decisions, $("categories"), texts);
  }

  function same(a, b) {
    var codes = Object.keys(a).concat(Object.keys(b));
    return codes.every(function (code) {
      return (a[code] || []).slice().sort().join() === (b[code] || []).slice().sort().join();
    });
  }

  function askReason(departures) {
    var lines = R.markDepartures($("categories"), departures, texts);
    $("reason-intro").textContent = texts.reason_needed;
    $("departures").textContent = "";
    lines.forEach(function (line) { $("departures").appendChild(ForumOps.el("li", {text: line})); });
    $("reason-box").hidden = false;
    $("reason").focus();
  }

  function saveDecision(event) {
    event.preventDefault();
    if (R.count($("categories"), texts).length) return;
    var body = {winners: R.winners($("categories"))}, reason = $("reason").value.trim();
    var asked = !$("reason-box").hidden;
    if (asked && reason) body.reason = reason;  // without one, the API says whether it is still needed
    busy($("save"), true);
    say(texts.saving, "ok");
    call("PUT", "/decisions", body).then(function (answer) {
      if (answer.ok) {
        R.markDepartures($("categories"), {}, texts);
        $("reason-box").hidden = true;
        $("reason").value = "";
        showDecisions(answer.body);
        say(R.format(texts.saved, answer.body.current), "ok");
      } else if (answer.body && answer.body.reason === "reason_required") {
        say(asked ? texts.reason_empty : "", "error");
        askReason(answer.body.detail.departures);
      } else {
        say(refusal(answer), "error");
      }
    }).catch(failed).then(function () { busy($("save"), false); });
  }

  /* Published: the link to the honour roll, and from now on a correction's reason to give. */
  function showPublished(text, url) {
    $("published-text").textContent = text;
    $("results-link").href = url;
    $("published").hidden = false;
    $("republish-box").hidden = false;
    $("publish").textContent = texts.publish_again;
  }

  function loadPublication() {
    return ForumOps.api("GET", base + "/results").then(function (answer) {  // public once published
      if (!answer.ok) return;
      showPublished(R.format(texts.published_before, {version: answer.body.version,
        time: ForumOps.formatTime(answer.body.published_at)}), "/programmes/" + encodeURIComponent(data.slug) + "/results");
      markPublished(answer.body.decision_version);
    });
  }

  /* The decision version the honour roll shows, marked in the history. */
  function markPublished(version) {
    Array.prototype.forEach.call($("history").querySelectorAll(".published-mark"), function (m) { m.remove(); });
    var item = $("history").querySelector('li[data-version="' + version + '"] strong');
    if (item) item.appendChild(ForumOps.el("span", {className: "tag proposed published-mark", text: texts.published_mark}));
  }

  function publish() {
    var reason = $("publish-reason").value.trim(), correction = !$("republish-box").hidden;
    if (saved && !same(saved, R.winners($("categories")))) { say(texts.unsaved, "error"); return; }
    var confirming = decisionVersion && (reason || !correction);  // an empty correction: the API answers why not
    if (confirming && !window.confirm(R.format(correction ? texts.correct_confirm : texts.publish_confirm,
                                               {version: decisionVersion}))) return;
    busy($("publish"), true);
    call("POST", "/publish", reason ? {reason: reason} : {}).then(function (answer) {
      if (answer.ok) {
        $("publish-reason").value = "";
        say("");
        showPublished(R.format(texts.published, answer.body), answer.body.results_url);
        markPublished(answer.body.decision_version);
      } else if (answer.body && answer.body.reason === "reason_required") {
        $("republish-box").hidden = false;
        say(correction ? texts.reason_empty_publish : texts.republish_needed, correction ? "error" : "warn");
        $("publish-reason").focus();
      } else {
        say(refusal(answer), "error");
      }
    }).catch(failed).then(function () { busy($("publish"), false); });
  }

  function showAssignment(assignment, jurors) {
    var done = {};
    jurors.forEach(function (j) { done[j.id] = j.submitted; });
    $("assignment-totals").textContent = R.format(texts.assignment_totals, {
      applications: assignment.applications, reviews: assignment.reviews, short: assignment.short.length});
    $("loads").textContent = "";
    if (!assignment.loads.length) $("loads").appendChild(ForumOps.el("li", {className: "muted", text: texts.no_jurors}));
    assignment.loads.forEach(function (l) {
      $("loads").appendChild(ForumOps.el("li", {}, [ForumOps.el("strong", {text: l.name}), " — " +
        R.format(texts.juror_load, {load: l.load, submitted: done[l.juror] || 0})]));
    });
    if ($("compute")) $("compute").textContent = assignment.reviews ? texts.recompute : texts.compute;
  }

  function loadAssignment() {
    return Promise.all([call("GET", "/assignments"), call("GET", "/jurors")]).then(function (answers) {
      if (answers[0].ok && answers[1].ok) showAssignment(answers[0].body, answers[1].body.jurors);
    });
  }

  function compute() {
    busy($("compute"), true);
    call("POST", "/assignments").then(function (answer) {
      if (!answer.ok) { say(refusal(answer), "error"); return; }
      say(R.format(texts.computed, {added: answer.body.added, released: answer.body.released.length}), "ok");
      return loadAssignment();
    }).catch(failed).then(function () { busy($("compute"), false); });
  }

  $("token-form").addEventListener("submit", function (event) { event.preventDefault(); load(); });
  $("decision").addEventListener("submit", saveDecision);
  $("categories").addEventListener("change", function () { R.count($("categories"), texts); });
  $("publish").addEventListener("click", publish);
  if ($("compute")) $("compute").addEventListener("click", compute);
  load();
})();
