/* The organiser's page: the ranking drawn as the decision's form (one checkbox per scored
   application, ranked as the API ranks them), the departures from the proposal marked, and the
   decision's history. Nothing is decided here: the API proposes and judges the decision. */
(function () {
  "use strict";
  var el = ForumOps.el;

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, name) { return name in values ? String(values[name]) : whole; });
  }

  function number(value, lang) {
    return value === null ? "—" : value.toLocaleString(lang === "en" ? "en-GB" : "vi-VN", {maximumFractionDigits: 2});
  }

  function named(names, lang) { return typeof names === "string" ? names : (names[lang] || names.vi); }

  function who(a) {
    var parts = [a.applicant];
    if (a.organisation && a.organisation !== a.applicant) parts.push(a.organisation);
    if (a.province) parts.push(a.province);
    return parts.join(" · ");
  }

  function tag(kind, text) { return el("span", {className: "tag " + kind, text: text}); }

  function place(a, code, checked, texts, lang) {
    var box = el("input", {type: "checkbox", name: "winner", value: a.id, "data-category": code});
    box.checked = checked;
    var tags = el("p", {className: "tags"}, [tag(a.outcome, texts["outcome_" + a.outcome])]);
    if (a.jurors_disagree) tags.appendChild(tag("disagree", format(texts.disagree, {spread: number(a.spread, lang)})));
    tags.appendChild(el("span", {className: "tag departure", hidden: ""}));
    var figures = format(texts.figures, {mean: number(a.mean, lang), median: number(a.median, lang),
                                         done: a.reviews_done, needed: a.reviews_needed});
    return el("li", {className: "place " + a.outcome, "data-id": a.id}, [
      el("label", {className: "inline choice"}, [box, el("span", {}, [
        el("span", {className: "rank", text: format(texts.rank, {rank: a.rank})}), " ",
        el("strong", {className: "title", text: a.title}), el("br"),
        el("span", {className: "who small", text: who(a)})])]),
      el("p", {className: "figures small", text: figures}), tags]);
  }

  /* Each category of the ranking, its boxes checked as `chosen` says ({code: [ids]}) or, with no
     decision yet, as the proposal says (the tied left unchecked: the organiser chooses). */
  function render(where, ranking, chosen, texts, lang) {
    where.textContent = "";
    ranking.categories.forEach(function (c) {
      var picked = chosen ? (chosen[c.code] || []) : c.applications.filter(function (a) {
        return a.outcome === "proposed"; }).map(function (a) { return a.id; });
      var id = "category-" + c.code, name = named(c.name, lang);
      var section = el("section", {className: "card category", id: id, "aria-labelledby": id + "-title",
                                   "data-code": c.code, "data-awards": c.awards, "data-name": name}, [
        el("h3", {id: id + "-title", text: name}),
        el("p", {className: "muted small"}, [format(texts.awards, {n: c.awards}), " · ",
                                             el("span", {className: "chosen", "aria-live": "polite"})])]);
      if (c.places_to_fill > 0) section.appendChild(el("p", {className: "notice warn tie",
                                                             text: format(texts.tie_note, {n: c.places_to_fill})}));
      section.appendChild(el("p", {className: "field-error", role: "alert", hidden: ""}));
      if (!c.applications.length) section.appendChild(el("p", {className: "muted small", text: texts.none_scored}));
      section.appendChild(el("ol", {className: "ranked"}, c.applications.map(function (a) {
        return place(a, c.code, picked.indexOf(a.id) >= 0, texts, lang); })));
      if (c.incomplete.length) {
        section.appendChild(el("p", {className: "small muted", text: format(texts.unscored, {n: c.incomplete.length})}));
        section.appendChild(el("ul", {className: "unscored small"}, c.incomplete.map(function (a) {
          return el("li", {text: a.title + " — " + who(a)}); })));
      }
      where.appendChild(section);
    });
    count(where, texts);
  }

  /* How many are chosen per category, and a sentence where it is more than the awards. */
  function count(where, texts) {
    var over = [];
    where.querySelectorAll("section.category").forEach(function (section) {
      var n = section.querySelectorAll("input[name=winner]:checked").length, awards = +section.dataset.awards;
      var error = section.querySelector(".field-error");
      section.querySelector(".chosen").textContent = format(texts.chosen, {n: n, awards: awards});
      error.hidden = n <= awards;
      error.textContent = n > awards ? format(texts.too_many, {category: section.dataset.name, awards: awards}) : "";
      if (n > awards) over.push(section);
    });
    return over;
  }

  function winners(where) {
    var found = {};
    where.querySelectorAll("section.category").forEach(function (section) {
      found[section.dataset.code] = Array.prototype.map.call(
        section.querySelectorAll("input[name=winner]:checked"), function (box) { return box.value; });
    });
    return found;
  }

  function titleOf(where, id) {
    var found = where.querySelector("li.place[data-id='" + id + "'] .title");
    return found ? found.textContent : id;
  }

  /* Each departure ({code: {added, left_out}}, as the API gives them) as a sentence. */
  function departureLines(where, departures, texts) {
    var lines = [];
    Object.keys(departures || {}).forEach(function (code) {
      ["added", "left_out"].forEach(function (kind) {
        departures[code][kind].forEach(function (id) { lines.push(texts["departure_" + kind] + ": " + titleOf(where, id)); });
      });
    });
    return lines;
  }

  /* The departures marked on their rows (and the marks of earlier ones cleared). */
  function markDepartures(where, departures, texts) {
    where.querySelectorAll(".tag.departure").forEach(function (t) { t.hidden = true; t.textContent = ""; });
    Object.keys(departures || {}).forEach(function (code) {
      ["added", "left_out"].forEach(function (kind) {
        departures[code][kind].forEach(function (id) {
          var mark = where.querySelector("li.place[data-id='" + id + "'] .tag.departure");
          if (mark) { mark.hidden = false; mark.textContent = texts["departure_" + kind]; }
        });
      });
    });
    return departureLines(where, departures, texts);
  }

  function history(list, decisions, where, texts) {
    list.textContent = "";
    if (!decisions.history.length) { list.appendChild(el("li", {className: "muted", text: texts.no_history})); return; }
    decisions.history.forEach(function (v, at) {
      var chosen = Object.keys(v.winners).reduce(function (n, code) { return n + v.winners[code].length; }, 0);
      var heading = format(texts.version, v) + (at === 0 ? " (" + texts.in_force + ")" : "") + " · " +
        ForumOps.formatTime(v.decided_at) + " · " + format(texts.winners, {n: chosen});
      var item = el("li", {"data-version": v.version}, [el("strong", {text: heading})]);
      var departed = departureLines(where, v.departures, texts);
      item.appendChild(el("p", {className: "small reason", text: v.reason ? format(texts.why, v) : texts.as_proposed}));
      if (departed.length) item.appendChild(el("ul", {className: "small"}, departed.map(function (line) {
        return el("li", {text: line}); })));
      list.appendChild(item);
    });
  }

  window.AwardsRanking = {format: format, render: render, count: count, winners: winners,
                          markDepartures: markDepartures, history: history};
})();
