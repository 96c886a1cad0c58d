/* The juror's queue: for each programme they judge (a token each on this device), when the review
   closes, how many they have scored, and each application assigned — to score, scored — or set
   aside by a declared conflict. */
(function () {
  "use strict";
  var data = ForumOps.pageData(), texts = data.texts, lang = data.lang, J = AwardsJury, el = ForumOps.el;
  var $ = function (id) { return document.getElementById(id); };
  var STATUS = {assigned: "to-score", submitted: "scored", conflict: "conflict"};

  function say(text, kind) { ForumOps.notice($("message"), text, kind); }

  function row(programme, item) {
    var title = item.link
      ? el("a", {href: "/jury/applications/" + encodeURIComponent(item.id), text: item.title})
      : el("span", {className: "title", text: item.title});
    var about = [title, el("span", {className: "muted small", text: J.categoryName(programme, item.category, lang)})];
    if (item.reason) about.push(el("span", {className: "muted small", text: J.format(texts.conflict_reason_shown, {reason: item.reason})}));
    return el("li", {"data-application": item.id, "data-state": item.state}, [
      el("div", {className: "what"}, about),
      el("span", {className: "status " + STATUS[item.state], text: texts["state_" + item.state]})]);
  }

  function when(found) {
    var phase = found.programme.phase, closes = ForumOps.formatTime(found.queue.programme.review_close_at);
    if (phase === "review") return {kind: "ok", text: J.format(texts.review_open, {date: closes})};
    if (phase === "before" || phase === "applications") {
      return {kind: "warn", text: J.format(texts.review_not_yet, {date: ForumOps.formatTime(found.programme.applications_close_at)})};
    }
    return {kind: "warn", text: J.format(texts.review_over, {date: closes})};
  }

  function section(found) {
    var queue = found.queue, programme = found.programme, id = "programme-" + queue.programme.slug;
    var items = queue.assignments.map(function (a) {
      return {id: a.id, category: a.category, title: a.title, state: a.review.state, link: true};
    }).concat((queue.conflicts || []).map(function (c) {
      return {id: c.application, category: c.category, title: c.title, state: "conflict", reason: c.reason};
    }));
    var counts = queue.counts, status = when(found);
    var parts = [
      el("h2", {id: id, text: J.named(queue.programme.title, lang)}),
      el("p", {className: "muted small", text: J.format(texts.juror_is, {name: queue.juror.name})}),
      el("p", {className: "notice small " + status.kind, text: status.text}),
      el("div", {className: "progress-line"}, [
        el("span", {id: id + "-progress", className: "progress-text",
                    text: J.format(texts.progress, {n: counts.submitted, m: counts.assigned})}),
        el("progress", {max: String(Math.max(counts.assigned, 1)), value: String(counts.submitted),
                        "aria-labelledby": id + "-progress"})])];
    if (queue.programme.blind) parts.push(el("p", {className: "muted small", text: texts.blind}));
    parts.push(items.length
      ? el("ul", {className: "jury-list"}, items.map(function (item) { return row(programme, item); }))
      : el("p", {className: "muted", text: texts.nothing_assigned}));
    return el("section", {className: "card jury-programme", "aria-labelledby": id,
                          "data-programme": queue.programme.slug}, parts);
  }

  var given = J.take();
  if (!J.stored().length) { $("loading").hidden = true; say(texts.no_token, "error"); return; }
  J.queues().then(function (result) {
    $("loading").hidden = true;
    if (result.failed) say(J.refusal(result.failed.body, texts), "error");
    else if (result.refused.indexOf(given) >= 0 || (!result.found.length && result.refused.length)) say(texts.link_refused, "error");
    result.found.forEach(function (found) { $("programmes").appendChild(section(found)); });
    $("keep-note").hidden = !result.found.length;
  }).catch(function () { $("loading").hidden = true; say(texts.network, "error"); });
})();
