/* The participant's join link, `/join/{forum}#token=<manage token>`: the token is kept for this
   tab only and leaves the address bar; the join call records the arrival and answers with the
   meeting's address, where the page goes next. A token the service refuses is forgotten. */
(function () {
  "use strict";
  var data = ForumOps.pageData(), texts = data.texts;
  var key = "forumops-manage-token";
  var status = document.getElementById("status");
  var given = ForumOps.fragment().token;
  if (given) {
    sessionStorage.setItem(key, given);
    history.replaceState(null, "", location.pathname + location.search);
  }
  var token = sessionStorage.getItem(key);

  function fail(text) { ForumOps.notice(status, text, "error"); }

  if (!token) { fail(texts.no_token); return; }
  ForumOps.api("POST", "/api/v1/forums/" + encodeURIComponent(data.slug) + "/online/join", {token: token})
    .then(function (answer) {
      var url = answer.ok && answer.body.online_url;
      if (url && /^https?:\/\//i.test(url)) { location.replace(url); return; }
      if (answer.status >= 400 && answer.status < 500 && answer.status !== 429) sessionStorage.removeItem(key);
      fail((answer.body && answer.body.message) || texts.cannot_join);
    })
    .catch(function () { fail(texts.network); });
})();
