/* "Lost your link?": the API answers the same whether or not the address is registered, and so
   does the page. */
(function () {
  "use strict";
  var data = ForumOps.pageData(), texts = data.texts;
  var form = document.getElementById("recover"), box = document.getElementById("recover-message");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var email = form.elements.email.value.trim();
    if (!email) { ForumOps.notice(box, texts.recover_need_email, "error"); return; }
    ForumOps.api("POST", "/api/v1/forums/" + encodeURIComponent(data.slug) + "/registrations/recover",
                 {body: {email: email}})
      .then(function (answer) {
        if (answer.ok) ForumOps.notice(box, texts.recover_sent, "ok");
        else ForumOps.notice(box, (answer.body && answer.body.message) || texts.recover_network, "error");
      })
      .catch(function () { ForumOps.notice(box, texts.recover_network, "error"); });
  });
})();
