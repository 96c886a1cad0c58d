/* The forum's programme on "My registration": every session in start order, at the forum's own
   time (the API gives the times with the forum's offset, shown as written, whatever the device's
   zone), and a box to tick for each workshop taking sign-ups where the person attends. Saving
   sends the whole set; full workshops put the person in line. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };

  function clock(iso) { return iso.slice(11, 16); }

  function day(iso) { return iso.slice(8, 10) + "/" + iso.slice(5, 7); }

  function heldFor(session, registration) {
    if (registration.attendance === "online") return session.online;
    return session.points === null || session.points.indexOf(registration.point) >= 0;
  }

  function SessionPicker(options) {
    this.self = options.self;
    this.token = options.token;
    this.texts = options.texts;
    this.lang = options.lang;
    this.say = options.say;
    this.sessions = [];
    this.mine = {};
    var picker = this;
    $("sessions-save").addEventListener("click", function () { picker.save(); });
  }

  SessionPicker.prototype.load = function (forumSlug, registration) {
    var picker = this;
    this.registration = registration;
    return Promise.all([
      ForumOps.api("GET", "/api/v1/forums/" + encodeURIComponent(forumSlug) + "/sessions"),
      ForumOps.api("GET", this.self + "/sessions", {token: this.token}),
    ]).then(function (answers) {
      if (!answers[0].ok || !answers[1].ok) return;
      picker.sessions = answers[0].body.sessions;
      picker.remember(answers[1].body);
      picker.render();
    });
  };

  SessionPicker.prototype.remember = function (signups) {
    var mine = this.mine = {};
    signups.sessions.forEach(function (s) { mine[s.code] = s; });
  };

  SessionPicker.prototype.render = function () {
    var picker = this, texts = this.texts, list = $("sessions-list");
    $("programme").hidden = this.sessions.length === 0;
    list.textContent = "";
    var open = this.registration.status === "confirmed", choosable = 0;
    this.sessions.forEach(function (s) {
      var title = s.title[picker.lang] || s.title.vi || s.title.en;
      var when = day(s.starts_at) + " " + clock(s.starts_at) + "–" + clock(s.ends_at);
      var held = picker.mine[s.code], facts = [ForumOps.el("strong", {text: title}), ForumOps.el("br"),
        ForumOps.el("span", {className: "muted small", text: when + " · " + (texts["kind_" + s.kind] || s.kind)})];
      if (held) {
        var label = held.status === "confirmed" ? texts.session_confirmed
          : texts.session_waitlisted.replace("{n}", held.waitlist_position);
        facts.push(" ", ForumOps.el("span", {className: "status " + held.status, text: label}));
      }
      var content = ForumOps.el("span", {}, facts), item = ForumOps.el("li", {"data-code": s.code});
      if (open && s.signup && heldFor(s, picker.registration)) {
        choosable += 1;
        var box = ForumOps.el("input", {type: "checkbox", name: "session", value: s.code, id: "session-" + s.code});
        box.checked = Boolean(held);
        item.appendChild(ForumOps.el("label", {className: "inline", "for": box.id}, [box, content]));
      } else {
        item.appendChild(content);
      }
      list.appendChild(item);
    });
    $("sessions-save").hidden = choosable === 0;
  };

  SessionPicker.prototype.save = function () {
    var picker = this;
    var codes = Array.prototype.map.call(document.querySelectorAll("#sessions-list input[name=session]:checked"),
                                         function (box) { return box.value; });
    ForumOps.api("PUT", this.self + "/sessions", {token: this.token, body: {codes: codes}}).then(function (answer) {
      if (!answer.ok) { picker.say(answer.body.message || picker.texts.field_invalid, "error"); return; }
      picker.remember(answer.body);
      picker.render();
      picker.say(picker.texts.sessions_saved, "ok");
    }).catch(function () { picker.say(picker.texts.network, "error"); });
  };

  window.SessionPicker = SessionPicker;
})();
