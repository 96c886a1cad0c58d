/* The staff scanner. Online, each scan is decided by the service. When the network is gone (or
   scans are still waiting to be sent) the scanner decides by itself, as the service would, with
   the forum's public keys and its point's roster, keeps the scan in IndexedDB, and uploads the
   waiting scans through the batch endpoint once the network is back; the service then records
   them as the facts they are (a re-upload changes nothing: scans keep their ids).
   The kit (names and ticket codes of the point's roster) is kept on the phone only until the
   forum ends: stored with that moment, and dropped with whom this phone let in once it passed.
   The page itself opens with no network too: its service worker (/scan-worker.js) keeps the page
   and its scripts; the device (localStorage), the kit (localStorage), whom this phone let in and
   the scans waiting (IndexedDB) are all on the phone, so a reload offline decides as before.
   Scanning "out" records check-outs (people leaving), which end their time in the sessions where
   the forum counts hours; it lets no one in and is kept per device, as the session is. */
import { decideOffline } from "./decide.js";

const data = ForumOps.pageData(), texts = data.texts, lang = data.lang;
const $ = (id) => document.getElementById(id);
const ONLINE_TIMEOUT_MS = 4000, FLUSH_EVERY_MS = 4000, KIT_EVERY_MS = 60000, BATCH = 500;
let device = null, kit = null, db = null, flushing = false;
let reachable = true;  // did the last call reach the service? (navigator.onLine only knows the Wi-Fi)

// -- the device, from the enrolment link's fragment, kept on this phone ------------------------

function loadDevice() {
  const given = ForumOps.fragment();
  if (given.forum && given.point && given.token) {
    localStorage.setItem("forumops:device", JSON.stringify({forum: given.forum, point: given.point, token: given.token}));
    history.replaceState(null, "", location.pathname + location.search);  // the token leaves the address bar
  }
  const kept = localStorage.getItem("forumops:device");
  return kept ? JSON.parse(kept) : null;
}

const base = () => `/api/v1/forums/${encodeURIComponent(device.forum)}/points/${encodeURIComponent(device.point)}`;
const KIT_PREFIX = "forumops:kit:";
const kitKey = () => `${KIT_PREFIX}${device.forum}:${device.point}`;
const over = (until) => !(Date.now() < Date.parse(until));  // an unknown end counts as passed

function keepKit(fresh) {
  kit = fresh;
  if (over(fresh.forum.ends_at)) localStorage.removeItem(kitKey());
  else localStorage.setItem(kitKey(), JSON.stringify({until: fresh.forum.ends_at, kit: fresh}));
}

/* Every kit on this phone whose forum has ended goes, with the record of whom it let in. */
async function dropEndedKits() {
  const ended = new Set();
  for (const key of Object.keys(localStorage).filter((k) => k.startsWith(KIT_PREFIX))) {
    let kept = null;
    try { kept = JSON.parse(localStorage.getItem(key)); } catch (unreadable) { /* dropped below */ }
    if (kept && kept.until && !over(kept.until)) continue;
    localStorage.removeItem(key);
    ended.add(key.slice(KIT_PREFIX.length).split(":")[0]);
  }
  if (kit && over(kit.forum.ends_at)) kit = null;
  for (const forum of ended) {
    await store("admitted", "readwrite", (s) => s.delete(IDBKeyRange.bound(`${forum}:`, `${forum}:\uffff`)));
  }
}

async function refreshKit() {
  try {
    const answer = await ForumOps.api("GET", base() + "/device", {token: device.token});
    reachable = true;
    if (answer.ok) {
      keepKit(answer.body);
    } else if (answer.status === 401 || answer.status === 403) {
      problem(texts.device_refused.replace("{message}", answer.body.message));
    }
  } catch (networkGone) {
    reachable = false;  // keep the kit we have; a reload with the network down says so at once
  }
  showKit();
  showNetwork();
}

function showKit() {
  if (!kit) { const kept = localStorage.getItem(kitKey()); kit = kept ? JSON.parse(kept).kit : null; }
  if (!kit) return;
  $("point-name").textContent = `${kit.point.name} (${kit.point.code})`;
  $("forum-title").textContent = kit.forum.title[lang] || kit.forum.title.vi;
  showSessions();
}

// -- the session this scanner works in (none chosen: the one running at each scan's time) ------

const sessionKey = () => `forumops:session:${device.forum}:${device.point}`;
const chosenSession = () => $("session").value || null;

function showSessions() {
  const here = (kit.sessions || []).filter((s) => s.points === null || s.points.includes(device.point));
  const select = $("session"), kept = localStorage.getItem(sessionKey()) || "";
  select.replaceChildren(select.options[0]);
  for (const s of here) {
    const title = s.title ? (s.title[lang] || s.title.vi) : s.code;
    select.append(new Option(`${ForumOps.formatTime(s.starts_at)} · ${title}`, s.code));
  }
  select.value = here.some((s) => s.code === kept) ? kept : "";
  $("session-choice").hidden = here.length === 0;
}

// -- in or out (a check-out), kept on this phone per device --------------------------------------

const directionKey = () => `forumops:direction:${device.forum}:${device.point}`;
const chosenDirection = () => document.querySelector("input[name=direction]:checked").value;

function showDirection() {
  const kept = localStorage.getItem(directionKey()) === "out" ? "out" : "in";
  document.querySelector(`input[name=direction][value=${kept}]`).checked = true;
}

// -- the queue of scans waiting to be sent (IndexedDB) -----------------------------------------

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open("forumops-scanner", 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore("queue", {keyPath: "scan_id"});
      request.result.createObjectStore("admitted", {keyPath: "key"});
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function store(name, mode, work) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(name, mode);
    const result = work(tx.objectStore(name));
    tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
    tx.onerror = () => reject(tx.error);
  });
}

const waiting = () => store("queue", "readonly", (s) => s.getAll());
/* Whom this phone let in: the person (their arrival), and into which sessions. */
const admittedKey = (id, session) => session ? `${device.forum}:${id}:${session}` : `${device.forum}:${id}`;
const admittedHere = (id, session) => store("admitted", "readonly", (s) => s.get(admittedKey(id, session)));
const rememberAdmitted = (id, session) => store("admitted", "readwrite", (s) => {
  s.put({key: admittedKey(id, null)});
  if (session) s.put({key: admittedKey(id, session)});
});

async function showPending() {
  const n = (await waiting()).filter((scan) => scan.device === deviceKey()).length;
  $("pending").textContent = String(n);
  $("pending").dataset.count = String(n);
  $("pending").className = n ? "pill waiting" : "pill";
  return n;
}

const deviceKey = () => `${device.forum}:${device.point}`;

// -- a scan ------------------------------------------------------------------------------------

async function scan(text) {
  if (!text.trim()) return;
  const item = {ticket: text.trim(), scan_id: ForumOps.randomId(), scanned_at: new Date().toISOString(),
                session: chosenSession(), direction: chosenDirection()};
  if (navigator.onLine && (await showPending()) === 0) {
    const answer = await online(item);
    if (answer) return show(answer, false);
  }
  await offline(item);
}

async function online(item) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ONLINE_TIMEOUT_MS);
  try {
    const answer = await ForumOps.api("POST", base() + "/checkins", {token: device.token, signal: controller.signal,
      body: {ticket: item.ticket, scan_id: item.scan_id, scanned_at: item.scanned_at, direction: item.direction,
             ...(item.session ? {session: item.session} : {})}});
    reachable = true;
    if (answer.status >= 500) return null;  // the service is struggling: decide here, send later
    if (!answer.ok) { problem(texts.device_refused.replace("{message}", answer.body.message)); return null; }
    if (answer.body.outcome !== "rejected" && answer.body.registration && answer.body.direction !== "out") {
      await rememberAdmitted(answer.body.registration.id, answer.body.session);
    }
    return answer.body;
  } catch (networkGone) {
    reachable = false;
    return null;  // not sent, or sent with no answer: the same scan_id in the batch counts once
  } finally {
    clearTimeout(timer);
    showNetwork();
  }
}

async function offline(item) {
  if (!kit) { problem(texts.no_kit); return; }
  const decision = await decideOffline(item.ticket, {kit, device, now: new Date(item.scanned_at),
                                                    admittedHere, session: item.session,
                                                    direction: item.direction});
  const admitted = decision.outcome === "accepted";  // for a check-out: noted (the batch does not ask)
  // The session as decided here (the one running, when none was chosen) travels with the scan.
  await store("queue", "readwrite", (s) => s.put({...item, session: decision.session, admitted, device: deviceKey()}));
  if (admitted && item.direction === "in") await rememberAdmitted(decision.registration.id, decision.session);
  show(decision, true);
  await showPending();
}

async function flush() {
  if (flushing || !device) return;
  flushing = true;
  try {
    let mine = (await waiting()).filter((scan) => scan.device === deviceKey());
    while (mine.length) {
      const batch = mine.slice(0, BATCH);
      const answer = await ForumOps.api("POST", base() + "/checkins/batch", {token: device.token, body: {
        scans: batch.map(({ticket, scan_id, scanned_at, admitted, session, direction}) =>
          ({ticket, scan_id, scanned_at, admitted, direction: direction || "in", ...(session ? {session} : {})}))}});
      reachable = true;
      if (!answer.ok) break;
      await store("queue", "readwrite", (s) => batch.forEach((scan) => s.delete(scan.scan_id)));
      mine = mine.slice(BATCH);
    }
  } catch (networkGone) { reachable = false; /* try again on the next tick */ }
  finally {
    flushing = false;
    await showPending();
    showNetwork();
  }
}

// -- what the staff member sees ------------------------------------------------------------------

function show(answer, decidedHere) {
  const box = $("outcome");
  box.className = `outcome ${answer.outcome}`;
  const out = answer.direction === "out" && answer.outcome === "accepted";
  $("verdict").textContent = out ? texts.checked_out : texts[answer.outcome];
  const person = answer.registration;
  $("who").textContent = person ? (person.full_name || texts.unknown_person) : "";
  const reason = kit && kit.reasons[answer.reason];
  $("why").textContent = answer.message ? answer.message[lang] : (reason ? reason[lang] : answer.reason);
  $("why").dataset.reason = answer.reason;
  let detail = decidedHere ? texts.offline_decided : "";
  if (answer.not_signed_up) detail = texts.not_signed_up + (detail ? ` · ${detail}` : "");
  if (answer.first) detail = texts.first.replace("{point}", answer.first.point).replace("{at}", ForumOps.formatTime(answer.first.at));
  $("detail").textContent = detail;
  box.dataset.outcome = answer.outcome;
  box.dataset.direction = answer.direction || "in";
  if (navigator.vibrate) navigator.vibrate(answer.outcome === "accepted" ? 80 : [80, 60, 80]);
}

function showNetwork() {
  const up = navigator.onLine && reachable;
  $("net").textContent = up ? texts.online : texts.offline;
  $("net").className = `net ${up ? "online" : "offline"}`;
}

function problem(text) {
  $("problem").textContent = text;
  $("problem").hidden = false;
}

// -- the camera: the browser's BarcodeDetector, or ZXing (WebAssembly) where it has none -----------

let stream = null, lastText = "", lastAt = 0;

async function detector() {
  if ("BarcodeDetector" in window && (await BarcodeDetector.getSupportedFormats()).includes("qr_code")) {
    return new BarcodeDetector({formats: ["qr_code"]});
  }
  const api = window.BarcodeDetectionAPI;
  api.prepareZXingModule({overrides: {locateFile: (path, prefix) =>
    path.endsWith(".wasm") ? new URL("vendor/zxing_reader.wasm", import.meta.url).href : prefix + path}});
  return new api.BarcodeDetector({formats: ["qr_code"]});
}

async function startCamera() {
  try {
    const reader = await detector();
    stream = await navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false});
    const video = $("video");
    video.srcObject = stream;
    await video.play();
    $("camera").hidden = false;
    $("camera-start").hidden = true;
    $("camera-stop").hidden = false;
    const look = async () => {
      if (!stream) return;
      try {
        const found = await reader.detect(video);
        const text = found.length ? found[0].rawValue : "";
        // the same code held in front of the camera is one scan, not one per frame
        if (text && (text !== lastText || Date.now() - lastAt > 3000)) { lastText = text; lastAt = Date.now(); await scan(text); }
      } catch (frameNotReady) { /* the next frame */ }
      setTimeout(look, 200);
    };
    look();
  } catch (error) {
    problem(texts.camera_failed.replace("{message}", error.message || error.name));
  }
}

function stopCamera() {
  if (stream) stream.getTracks().forEach((track) => track.stop());
  stream = null;
  $("camera").hidden = true;
  $("camera-start").hidden = false;
  $("camera-stop").hidden = true;
}

// -- start ---------------------------------------------------------------------------------------

/* The page and its scripts are kept for a reload with no network (see scanner-worker.js), and
   the phone is asked not to clear this site's storage when it runs short of space. */
function keepForOffline() {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(data.worker, {scope: data.scope}).catch(() => { /* online only, as before */ });
  }
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
}

async function start() {
  keepForOffline();
  device = loadDevice();
  if (!device) { problem(texts.no_device); return; }
  db = await openDb();
  await dropEndedKits();
  $("scanner").hidden = false;
  showNetwork();
  showKit();
  showDirection();
  await refreshKit();
  await showPending();
  $("typed").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("ticket");
    const text = input.value;
    input.value = "";
    await scan(text);
    input.focus();
  });
  $("camera-start").addEventListener("click", startCamera);
  $("camera-stop").addEventListener("click", stopCamera);
  $("session").addEventListener("change", () => localStorage.setItem(sessionKey(), $("session").value));
  document.querySelectorAll("input[name=direction]").forEach((radio) =>
    radio.addEventListener("change", () => localStorage.setItem(directionKey(), chosenDirection())));
  window.addEventListener("online", () => { showNetwork(); flush(); });
  window.addEventListener("offline", showNetwork);
  setInterval(flush, FLUSH_EVERY_MS);
  setInterval(async () => { await dropEndedKits(); await refreshKit(); }, KIT_EVERY_MS);
  flush();
  document.body.dataset.ready = "true";
}

start();
