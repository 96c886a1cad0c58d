/* The organisers' dashboard: live counts refreshed every few seconds, by province; conflicts;
   scanner enrolment; the attendance report import. The organiser token stays in this tab. */
(function () {
  "use strict";
  var data = ForumOps.pageData(), texts = data.texts;
  var $ = function (id) { return document.getElementById(id); };
  var forum = "/api/v1/forums/" + encodeURIComponent(data.slug);
  var tokenKey = "forumops:organiser-token";
  var token = sessionStorage.getItem(tokenKey);
  var REFRESH_MS = 3000, provinces = null, points = [], timer = null;

  function say(text, kind) { ForumOps.notice($("message"), text, kind); }

  function number(n) { return n.toLocaleString(data.lang === "en" ? "en-GB" : "vi-VN"); }

  function showTotals(stats) {
    $("total-registered").textContent = number(stats.total.registered);
    $("total-arrived").textContent = number(stats.total.arrived);
    $("onsite-arrived").textContent = number(stats.onsite.arrived);
    $("online-arrived").textContent = number(stats.online.arrived);
    $("total-waitlisted").textContent = number(stats.total.waitlisted);
    $("as-of").textContent = texts.as_of.replace("{at}", ForumOps.formatTime(stats.as_of));
  }

  function showPoints() {
    var words = $("filter").value.trim().toLowerCase();
    var body = $("points").querySelector("tbody");
    body.textContent = "";
    points.filter(function (p) {
      return !words || (p.code + " " + p.name).toLowerCase().indexOf(words) >= 0;
    }).forEach(function (p) {
      var share = p.registered ? Math.round(100 * p.arrived / p.registered) : 0;
      var meter = ForumOps.el("div", {className: "bar-meter", title: share + "%"}, [ForumOps.el("span")]);
      meter.firstChild.style.width = Math.min(share, 100) + "%";
      body.appendChild(ForumOps.el("tr", {"data-point": p.code}, [
        ForumOps.el("td", {text: p.code}), ForumOps.el("td", {text: p.name}), ForumOps.el("td", {text: p.province}),
        ForumOps.el("td", {className: "num", text: number(p.registered)}),
        ForumOps.el("td", {className: "num arrived", text: number(p.arrived)}), ForumOps.el("td", {}, [meter])]));
    });
  }

  function fillChoices(stats) {
    if (provinces) return;
    provinces = [];
    stats.points.forEach(function (p) { if (provinces.indexOf(p.province) < 0) provinces.push(p.province); });
    provinces.sort(function (a, b) { return a.localeCompare(b, "vi"); });
    var select = $("province");
    select.appendChild(ForumOps.el("option", {value: "", text: texts.all_provinces}));
    provinces.forEach(function (name) { select.appendChild(ForumOps.el("option", {value: name, text: name})); });
    stats.points.forEach(function (p) {
      $("enrol-point").appendChild(ForumOps.el("option", {value: p.code, text: p.code + " · " + p.name}));
    });
  }

  function refresh() {
    clearTimeout(timer);
    var province = $("province").value;
    var query = province ? "?province=" + encodeURIComponent(province) : "";
    return Promise.all([ForumOps.api("GET", forum + "/stats" + query, {token: token}),
                        ForumOps.api("GET", forum + "/conflicts?limit=100", {token: token})])
      .then(function (answers) {
        var stats = answers[0];
        if (stats.status === 401 || stats.status === 403) { signOut(texts.bad_token); return; }
        if (!stats.ok) { say(stats.body.message, "error"); return; }
        say("");
        fillChoices(stats.body);
        showTotals(stats.body);
        points = stats.body.points;
        showPoints();
        showSessions(stats.body.sessions || []);
        if (answers[1].ok) showConflicts(answers[1].body.conflicts);
        $("board").hidden = false;
        document.body.dataset.refreshed = stats.body.as_of;
      })
      .catch(function () { say(texts.network, "warn"); })
      .then(function () { if (token) timer = setTimeout(refresh, REFRESH_MS); });
  }

  function title(s) { return s.title[data.lang] || s.title.vi || s.code; }

  function showSessions(sessions) {
    $("sessions-part").hidden = sessions.length === 0;
    var body = $("sessions").querySelector("tbody");
    body.textContent = "";
    sessions.forEach(function (s) {
      var byPoint = Object.keys(s.points).sort().map(function (code) { return code + ": " + number(s.points[code]); });
      body.appendChild(ForumOps.el("tr", {"data-session": s.code}, [
        ForumOps.el("td", {text: ForumOps.formatTime(s.starts_at) + " – " + ForumOps.formatTime(s.ends_at)}),
        ForumOps.el("td", {text: title(s) + " (" + s.code + ")"}),
        ForumOps.el("td", {className: "num arrived", text: number(s.arrived)}),
        ForumOps.el("td", {className: "small", text: byPoint.join(", ")})]));
    });
    var choice = $("attendance-session");
    if (choice.options.length === 1) {
      sessions.forEach(function (s) { choice.appendChild(ForumOps.el("option", {value: s.code, text: title(s)})); });
    }
  }

  /* The organiser token goes in a header, so the file is fetched here and handed to the browser. */
  function downloadHours() {
    fetch(forum + "/hours?format=csv", {headers: {Authorization: "Bearer " + token}})
      .then(function (answer) {
        if (!answer.ok) { say(texts.network, "warn"); return null; }
        return answer.blob();
      })
      .then(function (blob) {
        if (!blob) return;
        var link = ForumOps.el("a", {href: URL.createObjectURL(blob), download: data.slug + "-hours.csv"});
        document.body.appendChild(link);
        link.click();
        link.remove();
      })
      .catch(function () { say(texts.network, "warn"); });
  }

  function showConflicts(conflicts) {
    var body = $("conflicts").querySelector("tbody");
    body.textContent = "";
    if (!conflicts.length) {
      body.appendChild(ForumOps.el("tr", {}, [ForumOps.el("td", {colspan: "4", className: "muted", text: texts.no_conflicts})]));
    }
    conflicts.forEach(function (c) {
      body.appendChild(ForumOps.el("tr", {}, [ForumOps.el("td", {text: c.full_name || c.registration_id}),
        ForumOps.el("td", {text: (c.first_point || "—") + " · " + ForumOps.formatTime(c.first_at)}),
        ForumOps.el("td", {text: c.point}), ForumOps.el("td", {text: ForumOps.formatTime(c.scanned_at)})]));
    });
  }

  function signOut(why) {
    token = null;
    sessionStorage.removeItem(tokenKey);
    $("board").hidden = true;
    $("login").hidden = false;
    say(why, "error");
  }

  $("login").addEventListener("submit", function (event) {
    event.preventDefault();
    token = $("token").value.trim();
    if (!token) return;
    sessionStorage.setItem(tokenKey, token);
    $("login").hidden = true;
    refresh();
  });
  $("province").addEventListener("change", refresh);
  $("filter").addEventListener("input", showPoints);
  $("hours-csv").addEventListener("click", downloadHours);

  $("enrol").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = $("enrol-point").value;
    ForumOps.api("POST", forum + "/points/" + encodeURIComponent(code) + "/devices",
                 {token: token, body: {label: $("enrol-label").value.trim() || null}})
      .then(function (answer) {
        if (!answer.ok) { say(answer.body.message, "error"); return; }
        var link = location.origin + "/scan#forum=" + encodeURIComponent(data.slug) + "&point=" +
          encodeURIComponent(code) + "&token=" + encodeURIComponent(answer.body.token);
        $("enrolled-text").textContent = texts.enrolled;
        $("enrolled-link").href = link;
        $("enrolled-link").textContent = link;
        $("enrolled").hidden = false;
      })
      .catch(function () { say(texts.network, "warn"); });
  });

  $("attendance-import").addEventListener("submit", function (event) {
    event.preventDefault();
    var file = $("attendance-file").files[0];
    if (!file) return;
    var form = new FormData();
    form.append("file", file);
    var session = $("attendance-session").value;
    var query = session ? "?session=" + encodeURIComponent(session) : "";
    ForumOps.api("POST", forum + "/online/attendance/import" + query, {token: token, form: form})
      .then(function (answer) {
        var result = $("attendance-result");
        result.hidden = false;
        result.textContent = answer.ok ? texts.imported.replace("{matched}", answer.body.matched_rows)
          .replace("{unmatched}", answer.body.unmatched.length) + " " +
          texts.matched_session.replace("{session}", answer.body.session || texts.no_session) : answer.body.message;
      })
      .catch(function () { say(texts.network, "warn"); });
  });

  if (token) refresh(); else { $("login").hidden = false; say(texts.need_token, "ok"); }
})();
