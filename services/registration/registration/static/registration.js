/* "My registration": the ticket, a change of point or attendance, cancellation, erasure and, once
   issued, the certificate. The manage token comes from the link's fragment, leaves the address
   bar at once (no screenshot, shared screen or history entry shows it) and stays on this device
   until the registration is cancelled or erased, or the service no longer takes it. */
(function () {
  "use strict";
  var data = ForumOps.pageData(), texts = data.texts;
  var storeKey = "forumops:registration:" + data.id;
  var given = ForumOps.fragment().token;
  if (given) {  // kept before it leaves the address bar, so a reload still finds it
    localStorage.setItem(storeKey, given);
    history.replaceState(null, "", location.pathname + location.search);
  }
  var token = given || localStorage.getItem(storeKey);
  var self = "/api/v1/registrations/" + encodeURIComponent(data.id);
  var forum = null, picker = null, qrUrl = null, sessions = null;
  var TOKEN_REFUSED = [401, 403, 404, 410];
  var $ = function (id) { return document.getElementById(id); };

  function say(text, kind) { ForumOps.notice($("message"), text, kind); }

  function forget() { localStorage.removeItem(storeKey); }

  function pointName(code) {
    var found = (forum.points || []).filter(function (p) { return p.code === code; })[0];
    return found ? found.name + " (" + found.province + ")" : (code || "—");
  }

  function showTicket(registration) {
    var ticket = registration.ticket;
    $("ticket").hidden = !ticket;
    if (!ticket) return;
    $("ticket-code").textContent = ticket.code.replace(/(.{5})(?=.)/g, "$1 ");
    ForumOps.api("GET", self + "/ticket.svg", {token: token}).then(function (answer) {
      if (!answer.ok) return;
      if (qrUrl) URL.revokeObjectURL(qrUrl);
      qrUrl = URL.createObjectURL(answer.body);
      $("ticket-qr").src = qrUrl;
    });
  }

  function showCertificate(registration) {
    if (registration.status !== "confirmed") return;
    var base = data.certificates_url;
    ForumOps.api("GET", base + "/api/v1/registrations/" + encodeURIComponent(data.id) + "/certificate", {token: token})
      .then(function (answer) {
        if (!answer.ok || answer.body.status !== "valid") return;
        var serial = answer.body.serial;
        $("certificate").hidden = false;
        $("certificate-text").textContent = texts.certificate_ready.replace("{serial}", serial);
        $("certificate-verify").href = base + "/verify/" + encodeURIComponent(serial) + "?lang=" + data.lang;
        $("certificate-download").onclick = function () { download(base, serial); };
      })
      .catch(function () { /* the certificates service is out of reach: nothing to show yet */ });
  }

  function download(base, serial) {
    ForumOps.api("GET", base + "/api/v1/certificates/" + encodeURIComponent(serial) + "/pdf", {token: token})
      .then(function (answer) {
        if (!answer.ok) { say(answer.body.message || texts.not_found, "error"); return; }
        var link = ForumOps.el("a", {href: URL.createObjectURL(answer.body), download: "certificate-" + serial + ".pdf"});
        document.body.appendChild(link);
        link.click();
        link.remove();
      })
      .catch(function () { say(texts.network, "error"); });
  }

  function show(registration) {
    $("details").hidden = false;
    $("full-name").textContent = registration.full_name || "—";
    var status = $("status");
    status.className = "status " + registration.status;
    status.textContent = texts[registration.status] || registration.status;
    $("position").textContent = registration.waitlist_position ? texts.position.replace("{n}", registration.waitlist_position) : "";
    $("attendance").textContent = texts[registration.attendance];
    $("point-name").textContent = registration.attendance === "onsite" ? pointName(registration.point) : "—";
    showTicket(registration);
    showCertificate(registration);
    var online = registration.attendance === "online" && registration.status === "confirmed" && forum.online;
    $("join").hidden = !online;
    if (online) $("join-link").href = data.checkin_url + "/join/" + encodeURIComponent(forum.slug) + "#token=" + encodeURIComponent(token);
    showChangeForm(registration);
    showProgramme(registration);
  }

  function showProgramme(registration) {
    if (!sessions) sessions = new SessionPicker({self: self, token: token, texts: texts, lang: data.lang, say: say});
    sessions.load(forum.slug, registration).catch(function () { /* the programme stays hidden */ });
  }

  function showChangeForm(registration) {
    var form = $("change");
    form.hidden = registration.status === "cancelled";
    if (form.hidden) return;
    $("online-choice").hidden = !forum.online;
    form.querySelector("input[value=" + registration.attendance + "]").checked = true;
    if (!picker) picker = new PointPicker($("point"), $("point-search"), forum.points, texts);
    $("point").value = registration.point || "";
    togglePoint();
  }

  function togglePoint() {
    $("point-field").hidden = $("change").querySelector("input[name=attendance]:checked").value !== "onsite";
  }

  function load() {
    return ForumOps.api("GET", self, {token: token}).then(function (answer) {
      if (!answer.ok) {
        if (TOKEN_REFUSED.indexOf(answer.status) >= 0) forget();  // the link no longer opens anything
        say(answer.status === 429 ? answer.body.message : texts.not_found, "error");
        return;
      }
      var registration = answer.body;
      if (registration.status === "cancelled") forget();  // nothing left to come back for
      return Promise.all([
        ForumOps.api("GET", "/api/v1/forums/" + encodeURIComponent(registration.forum)),
        ForumOps.api("GET", "/api/v1/forums/" + encodeURIComponent(registration.forum) + "/points"),
      ]).then(function (answers) {
        forum = answers[0].body;
        forum.points = answers[1].body.points;
        var title = forum.title[data.lang] || forum.title.vi;
        $("forum-title").textContent = title;
        document.title = title + " · ForumOps";
        show(registration);
      });
    }).catch(function () { say(texts.network, "error"); });
  }

  function send(method, body, done) {
    return ForumOps.api(method, self, {token: token, body: body}).then(function (answer) {
      if (!answer.ok) { say(answer.body.message || texts.field_invalid, "error"); return; }
      say(done, "ok");
      show(answer.body);
      return answer.body;
    }).catch(function () { say(texts.network, "error"); });
  }

  function erase() {
    ForumOps.api("POST", self + "/erase", {token: token}).then(function (answer) {
      if (!answer.ok) { say(answer.body.message || texts.not_found, "error"); return; }
      forget();
      $("details").hidden = true;
      say(texts.erased_now, "ok");
    }).catch(function () { say(texts.network, "error"); });
  }

  if (!token) { say(texts.no_token, "error"); return; }
  var link = location.origin + location.pathname + "#token=" + encodeURIComponent(token);
  $("keep-text").textContent = texts.keep_link;
  $("keep-link").href = link;
  $("keep-link").textContent = link;

  $("change").querySelectorAll("input[name=attendance]").forEach(function (radio) {
    radio.addEventListener("change", togglePoint);
  });
  $("change").addEventListener("submit", function (event) {
    event.preventDefault();
    var attendance = $("change").querySelector("input[name=attendance]:checked").value;
    var body = {attendance: attendance};
    if (attendance === "onsite") body.point = $("point").value;
    send("PATCH", body, texts.changed);
  });
  $("cancel").addEventListener("click", function () {
    if (!confirm(texts.cancel_confirm)) return;
    send("DELETE", undefined, texts.cancelled_now).then(function (cancelled) {
      if (cancelled && cancelled.status === "cancelled") forget();  // the kept link still shows it
    });
  });
  $("erase").addEventListener("click", function () { if (confirm(texts.erase_confirm)) erase(); });
  load();
})();
