/* What every ForumOps page's script shares: its data block, the API, tokens from the fragment. */
(function () {
  "use strict";
  var data = null;

  function pageData() {
    if (data === null) {
      var block = document.getElementById("page-data");
      data = block ? JSON.parse(block.textContent) : {};
    }
    return data;
  }

  /* `key=value` pairs of the URL fragment: the only place a link may carry a token. */
  function fragment() {
    var found = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at > 0) found[decodeURIComponent(pair.slice(0, at))] = decodeURIComponent(pair.slice(at + 1));
    });
    return found;
  }

  /* fetch + JSON: resolves {ok, status, body, headers}; rejects only when the network fails.
     options: token (bearer), body (sent as JSON) or form (a FormData: file uploads), headers, signal. */
  function api(method, url, options) {
    options = options || {};
    var headers = {"Accept": "application/json", "Accept-Language": document.documentElement.lang || "vi"};
    if (options.token) headers["Authorization"] = "Bearer " + options.token;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    Object.keys(options.headers || {}).forEach(function (name) { headers[name] = options.headers[name]; });
    var init = {method: method, headers: headers, cache: "no-store", credentials: "omit"};
    if (options.body !== undefined) init.body = JSON.stringify(options.body);
    if (options.form) init.body = options.form;  // the browser sets the multipart Content-Type
    if (options.signal) init.signal = options.signal;
    return fetch(url, init).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      var read = type.indexOf("json") >= 0 ? response.json() : response.blob();
      return read.then(function (body) {
        return {ok: response.ok, status: response.status, body: body, headers: response.headers};
      });
    });
  }

  /* A random id (scan ids, idempotency keys); getRandomValues works outside secure contexts too. */
  function randomId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  /* A message box (class "notice <kind>"): shown with `text`, hidden without. */
  function notice(box, text, kind) {
    box.className = "notice " + (kind || "ok");
    box.textContent = text || "";
    box.hidden = !text;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (name === "className") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function formatTime(iso) {
    var lang = document.documentElement.lang === "en" ? "en-GB" : "vi-VN";
    return new Date(iso).toLocaleString(lang, {dateStyle: "short", timeStyle: "short"});
  }

  window.ForumOps = {pageData: pageData, fragment: fragment, api: api, randomId: randomId, notice: notice, el: el,
                     formatTime: formatTime};
})();
