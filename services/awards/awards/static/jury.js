/* What the juror's pages share: the juror's tokens on this device, their queues, texts as sentences.

   A juror's token comes in the invitation link's fragment (/jury#token=...), leaves the address
   bar at once and is kept on the device. A person may sit on the jury of several programmes (a
   token each), so the device keeps a list, newest first; a token the service no longer takes
   (replaced by a new invitation) is forgotten. */
(function () {
  "use strict";
  var KEY = "forumops:jury:tokens";
  var QUEUE = "/api/v1/jurors/me/assignments";
  var NOT_TAKEN = [401, 403];  // unknown (or replaced) token; a token that is not a juror's

  function stored() {
    try {
      var list = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list.filter(function (t) { return typeof t === "string" && t; }) : [];
    } catch (e) {
      return [];
    }
  }

  function keep(list) {
    if (list.length) localStorage.setItem(KEY, JSON.stringify(list));
    else localStorage.removeItem(KEY);
  }

  /* The token of the link, if it carries one: kept first, then taken out of the address bar. */
  function take() {
    var given = ForumOps.fragment().token || null;
    if (given) {
      keep([given].concat(stored().filter(function (t) { return t !== given; })));
      history.replaceState(null, "", location.pathname + location.search);
    }
    return given;
  }

  function forget(token) { keep(stored().filter(function (t) { return t !== token; })); }

  /* Every kept token's queue, with its programme as the public sees it (names, phase):
     {found: [{token, queue, programme}], refused: [tokens], failed: answer or null}. */
  function queues() {
    var result = {found: [], refused: [], failed: null};
    return stored().reduce(function (done, token) {
      return done.then(function () {
        return ForumOps.api("GET", QUEUE, {token: token}).then(function (answer) {
          if (NOT_TAKEN.indexOf(answer.status) >= 0) { forget(token); result.refused.push(token); return; }
          if (!answer.ok) { result.failed = answer; return; }
          var slug = encodeURIComponent(answer.body.programme.slug);
          return ForumOps.api("GET", "/api/v1/programmes/" + slug).then(function (programme) {
            result.found.push({token: token, queue: answer.body, programme: programme.body});
          });
        });
      });
    }, Promise.resolve()).then(function () { return result; });
  }

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, name) { return name in values ? values[name] : whole; });
  }

  function named(value, lang) { return value && typeof value === "object" ? (value[lang] || value.vi) : value; }

  function categoryName(programme, code, lang) {
    var found = (programme.categories || []).filter(function (c) { return c.code === code; })[0];
    return found ? named(found.name, lang) : code;
  }

  /* A refusal in the page's language: our sentence for its reason, else the API's own message. */
  function refusal(body, texts) {
    body = body || {};
    var own = texts["reason_" + body.reason], detail = body.detail || {};
    var date = detail.review_closes || detail.applications_close;
    if (!own) return body.message || texts.network;
    return format(own, {date: date ? ForumOps.formatTime(date) : ""});
  }

  function number(value, lang) {
    return Number(value).toLocaleString(lang === "en" ? "en-GB" : "vi-VN", {maximumFractionDigits: 2});
  }

  function size(bytes, lang) {
    return bytes >= 1024 * 1024 ? number(bytes / (1024 * 1024), lang) + " MB" : number(Math.max(bytes / 1024, 0.1), lang) + " KB";
  }

  window.AwardsJury = {take: take, stored: stored, forget: forget, queues: queues, format: format, named: named,
                       categoryName: categoryName, refusal: refusal, number: number, size: size};
})();
