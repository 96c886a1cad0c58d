/* Organisers' programme page: the forum's sessions listed, added, changed (PUT, the whole session)
   and removed through the API. Times are read and written as the forum's wall-clock time: the API
   answers with the forum's offset, and a time typed here is turned into one with that offset. */
(function () {
  "use strict";
  var data = ForumOps.pageData(), texts = data.texts;
  var $ = function (id) { return document.getElementById(id); };
  var tokenKey = "forumops:organiser-token";
  var base = "/api/v1/forums/" + encodeURIComponent(data.slug) + "/sessions";
  var shown = {};  // the sessions listed, by code
  $("token").value = sessionStorage.getItem(tokenKey) || "";

  function say(text, kind) { ForumOps.notice($("message"), text, kind); }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) { return String(values[name]); });
  }
  function token() {
    var value = $("token").value.trim();
    if (value) sessionStorage.setItem(tokenKey, value);
    return value;
  }
  function call(method, path, body) {
    var value = token();
    if (!value) { say(texts.need_token, "error"); return Promise.reject(null); }
    return ForumOps.api(method, base + path, {token: value, body: body});
  }
  function refused(answer) {  /* the API's sentence, then what it says of each field */
    var body = answer.body || {}, errors = body.errors || {};
    var fields = Object.keys(errors).map(function (name) { return name + ": " + [].concat(errors[name]).join(" "); });
    say((body.message || String(answer.status)) + (fields.length ? " (" + fields.join("; ") + ")" : ""), "error");
  }
  function failed(error) { if (error !== null) say(texts.network, "error"); }

  /* The instant `local` ("YYYY-MM-DDTHH:MM", wall-clock time in `zone`) as ISO with its offset. */
  function wallMs(instant, zone) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", {timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit",
                                      day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit"})
      .formatToParts(new Date(instant)).forEach(function (p) { parts[p.type] = Number(p.value); });
    return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  }
  function zoned(local, zone) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
    if (!m) return null;
    var guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
    var instant = guess - (wallMs(guess, zone) - guess);
    instant = guess - (wallMs(instant, zone) - instant);  // the offset at the instant itself
    var offset = Math.round((wallMs(instant, zone) - instant) / 60000), sign = offset < 0 ? "-" : "+";
    offset = Math.abs(offset);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return local + ":00" + sign + pad(Math.floor(offset / 60)) + ":" + pad(offset % 60);
  }
  function clock(iso) { return iso.slice(11, 16); }
  function day(iso) { return iso.slice(8, 10) + "/" + iso.slice(5, 7) + "/" + iso.slice(0, 4); }
  function when(s) {
    var same = s.starts_at.slice(0, 10) === s.ends_at.slice(0, 10);
    return day(s.starts_at) + " " + clock(s.starts_at) + "–" + (same ? "" : day(s.ends_at) + " ") + clock(s.ends_at);
  }

  function item(s) {
    var facts = [texts["kind_" + s.kind], when(s),
                 s.points ? fill(texts.at_points, {points: s.points.join(", ")}) : texts.everywhere];
    if (s.online) facts.push(texts.online);
    if (s.signup) facts.push(texts.signup);
    facts.push(s.capacity ? fill(texts.seats, s) : fill(texts.signed_up, s));
    if (s.walk_in === "refuse") facts.push(texts.refuse_walk_in);
    var edit = ForumOps.el("button", {type: "button", className: "secondary", text: texts.edit,
                                      "aria-label": texts.edit + " " + s.code});
    var remove = ForumOps.el("button", {type: "button", className: "secondary", text: texts["delete"],
                                        "aria-label": texts["delete"] + " " + s.code});
    edit.addEventListener("click", function () { into(s); });
    remove.addEventListener("click", function () { drop(s.code); });
    return ForumOps.el("li", {"data-code": s.code}, [
      ForumOps.el("strong", {className: "title", text: s.title[data.lang] || s.title.vi}),
      ForumOps.el("span", {className: "muted small", text: " (" + s.code + ")"}),
      ForumOps.el("div", {className: "small facts", text: facts.join(" · ")}),
      ForumOps.el("div", {className: "actions"}, [edit, remove])]);
  }

  function load() {
    return call("GET", "").then(function (answer) {
      if (!answer.ok) return refused(answer);
      var list = $("sessions");
      list.textContent = "";
      shown = {};
      answer.body.sessions.forEach(function (s) { shown[s.code] = s; list.appendChild(item(s)); });
      if (!answer.body.sessions.length) list.appendChild(ForumOps.el("li", {className: "muted", text: texts.empty}));
    }).catch(failed);
  }

  function into(s) {
    $("code").value = s.code;
    $("title-vi").value = s.title.vi || "";
    $("title-en").value = s.title.en || "";
    $("kind").value = s.kind;
    $("starts").value = s.starts_at.slice(0, 16);
    $("ends").value = s.ends_at.slice(0, 16);
    $("points").value = (s.points || []).join(", ");
    $("online-url").value = s.online_url || "";
    $("capacity").value = s.capacity || "";
    $("signup").checked = s.signup;
    $("walk-in").value = s.walk_in;
    $("session-form").scrollIntoView();
    $("title-vi").focus();
  }

  function drop(code) {
    if (!window.confirm(fill(texts.delete_confirm, {code: code}))) return;
    call("DELETE", "/" + encodeURIComponent(code)).then(function (answer) {
      if (!answer.ok) return refused(answer);
      say(fill(texts.deleted, {code: code}), "ok");
      return load();
    }).catch(failed);
  }

  $("load").addEventListener("click", load);
  $("session-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = $("code").value.trim(), title = {vi: $("title-vi").value.trim()};
    if ($("title-en").value.trim()) title.en = $("title-en").value.trim();
    var points = $("points").value.split(",").map(function (c) { return c.trim(); }).filter(Boolean);
    var body = {title: title, kind: $("kind").value, starts_at: zoned($("starts").value, data.timezone),
                ends_at: zoned($("ends").value, data.timezone), points: points.length ? points : null,
                online_url: $("online-url").value.trim() || null,
                capacity: $("capacity").value ? Number($("capacity").value) : null,
                signup: $("signup").checked, walk_in: $("walk-in").value};
    call("PUT", "/" + encodeURIComponent(code), body).then(function (answer) {
      if (!answer.ok) return refused(answer);
      var said = fill(texts["saved_" + answer.body.outcome], {code: code});
      if (answer.body.promoted) said += fill(texts.promoted, {n: answer.body.promoted});
      say(said, "ok");
      return load();
    }).catch(failed);
  });
  if ($("token").value) load();
})();
