/* Organisers' mail page: write an announcement (per language), count who it reaches, send it,
   watch it go out; and the messages of the forum that will not arrive, from every service that
   sends mail. */
(function () {
  "use strict";
  var data = ForumOps.pageData(), texts = data.texts;
  var $ = function (id) { return document.getElementById(id); };
  var tokenKey = "forumops:organiser-token";
  var base = "/api/v1/forums/" + encodeURIComponent(data.slug);
  $("token").value = sessionStorage.getItem(tokenKey) || "";

  function say(text, kind) { ForumOps.notice($("message"), text, kind); }
  function token() {
    var value = $("token").value.trim();
    if (value) sessionStorage.setItem(tokenKey, value);
    return value;
  }
  function checked(name) {
    return Array.prototype.map.call(document.querySelectorAll("input[name=" + name + "]:checked"),
                                    function (box) { return box.value; });
  }
  function recipients() {
    return {
      provinces: Array.prototype.map.call($("provinces").selectedOptions, function (o) { return o.value; }),
      points: $("points").value.split(",").map(function (c) { return c.trim(); }).filter(Boolean),
      attendance: checked("attendance"), status: checked("status")
    };
  }
  function announcement() {
    var subject = {}, body = {};
    data.languages.forEach(function (lang) {
      subject[lang] = $("subject-" + lang).value;
      body[lang] = $("body-" + lang).value;
    });
    return {subject: subject, body: body, recipients: recipients()};
  }
  function refused(answer) {
    var fields = answer.body && answer.body.errors ? " " + JSON.stringify(answer.body.errors) : "";
    say(((answer.body && answer.body.message) || String(answer.status)) + fields, "error");
  }
  function call(method, path, body) {
    var value = token();
    if (!value) { say(texts.need_token, "error"); return Promise.reject(null); }
    return ForumOps.api(method, base + path, {token: value, body: body});
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) { return String(values[name]); });
  }
  function row(cells) {
    return ForumOps.el("tr", {}, cells.map(function (text) { return ForumOps.el("td", {text: String(text)}); }));
  }

  $("count").addEventListener("click", function () {
    call("POST", "/announcements/recipients", recipients()).then(function (answer) {
      if (answer.ok) say(fill(texts.would_reach, answer.body), "ok"); else refused(answer);
    }).catch(function (e) { if (e !== null) say(texts.network, "error"); });
  });

  $("announce").addEventListener("submit", function (event) {
    event.preventDefault();
    call("POST", "/announcements/recipients", recipients()).then(function (answer) {
      if (!answer.ok) { refused(answer); return; }
      if (!window.confirm(fill(texts.send_confirm, answer.body))) return;
      return call("POST", "/announcements", announcement()).then(function (sent) {
        if (!sent.ok) { refused(sent); return; }
        say(fill(texts.sent, sent.body), "ok");
        refresh();
      });
    }).catch(function (e) { if (e !== null) say(texts.network, "error"); });
  });

  var timer = null;
  function refresh() {
    if (!$("token").value.trim()) return;
    clearTimeout(timer);
    call("GET", "/announcements").then(function (answer) {
      if (!answer.ok) { refused(answer); return; }
      var body = $("announcements").querySelector("tbody"), busy = false;
      body.textContent = "";
      answer.body.items.forEach(function (a) {
        busy = busy || a.queued > 0;
        body.appendChild(row([ForumOps.formatTime(a.created_at), a.subject[data.lang] || a.subject.vi,
                              a.recipients, a.queued, a.sent, a.failed]));
      });
      if (busy) timer = setTimeout(refresh, 3000);
    }).catch(function () {});
    showFailed();
  }

  function showFailed() {
    var body = $("failed").querySelector("tbody");
    Promise.all(data.mail_services.map(function (service) {
      return ForumOps.api("GET", service.url + base + "/mail?status=failed", {token: token()})
        .then(function (answer) {
          return answer.ok ? answer.body.items.map(function (m) { m.service = service.name; return m; }) : [];
        }).catch(function () { return []; });
    })).then(function (lists) {
      body.textContent = "";
      [].concat.apply([], lists).forEach(function (m) {
        body.appendChild(row([m.service, texts["kind_" + m.kind] || m.kind, m.recipient, m.reason,
                              ForumOps.formatTime(m.queued_at)]));
      });
    });
  }

  $("token").addEventListener("change", refresh);
  refresh();
})();
