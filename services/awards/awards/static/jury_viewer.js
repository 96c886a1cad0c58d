/* The attachment viewer of the juror's scoring page.

   Attachments need the juror's token, which may not travel in a URL: each is fetched with it and
   shown from a blob: URL — a PDF in a frame (the browser's own viewer, where it has one), an image as an
   image — with links to open it in a new tab (phones without an inline PDF viewer) or save it
   under the name the API gives. The blob is typed by the attachment's type as the API lists it,
   and only for the three types the service accepts: anything else could only be downloaded.
   One file at a time; its URL is revoked when another is shown or the page is left. */
(function () {
  "use strict";
  var SHOWN = {"application/pdf": "frame", "image/jpeg": "image", "image/png": "image"};
  var el = ForumOps.el;

  function Viewer(box, options) {
    this.box = box; this.texts = options.texts; this.say = options.say; this.urls = [];
  }

  Viewer.prototype.clear = function () {
    this.urls.forEach(function (url) { URL.revokeObjectURL(url); });
    this.urls = [];
    this.box.textContent = "";
    this.box.hidden = true;
    delete this.box.dataset.showing;
  };

  /* `file`: {id, file_name, content_type} as the API lists it; fetched from `path` with `token`. */
  Viewer.prototype.show = function (path, file, token) {
    var self = this, texts = this.texts, name = file.file_name;
    this.clear();
    this.box.hidden = false;
    this.box.appendChild(el("p", {className: "muted", text: texts.loading}));
    ForumOps.api("GET", path, {token: token}).then(function (answer) {
      if (!answer.ok || !(answer.body instanceof Blob)) {
        self.clear();
        self.say(answer.ok ? AwardsJury.format(texts.file_failed, {name: name}) : AwardsJury.refusal(answer.body, texts));
        return;
      }
      var how = SHOWN[file.content_type];
      var url = URL.createObjectURL(new Blob([answer.body], {type: how ? file.content_type : "application/octet-stream"}));
      var label = AwardsJury.format(texts.file_frame, {name: name});
      self.urls.push(url);
      self.box.textContent = "";
      self.box.dataset.showing = file.id;
      self.box.appendChild(el("div", {className: "viewer-bar"}, [
        el("strong", {className: "link-text", text: name}),
        el("a", {href: url, target: "_blank", rel: "noopener", text: texts.open_tab}),
        el("a", {href: url, download: name, text: texts.download_file})]));
      if (how === "frame") self.box.appendChild(el("iframe", {src: url, title: label, className: "viewer-frame"}));
      if (how === "image") self.box.appendChild(el("img", {src: url, alt: label, className: "viewer-image"}));
      self.box.focus();
    }).catch(function () { self.clear(); self.say(texts.network); });
  };

  window.AwardsJury.Viewer = Viewer;
})();
