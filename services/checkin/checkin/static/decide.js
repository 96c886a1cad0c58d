/* The scanner's own decision, for when the service cannot be reached: the order of
   checkin/domain/scans.py, with what the device kit holds (the forum's public keys, when the
   doors open, the roster of its own point with each person's sign-ups and the sessions they are in,
   the programme). tests/web/test_scan_decisions.py runs this function
   and the service's on the same table of cases (tests/checkin/scan_cases.py). */
import { verifyAsync } from "./vendor/noble-ed25519.js";

const unb64 = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
const normaliseCode = (typed) => typed.toUpperCase().replace(/[\s-]/g, "");

/* What the scanned text is: {claims, person} for a QR that verifies (person from the roster, or
   null), {person} for a typed code on the roster, or {refusal}. */
async function readTicket(text, kit) {
  const trimmed = text.trim();
  if (!trimmed.startsWith("FO1.")) {
    const person = kit.roster.find((r) => r.ticket_code === normaliseCode(trimmed));
    return person ? {person, claims: null} : {refusal: "unknown_ticket"};
  }
  let claims, payload, signature;
  try {
    const [prefix, body, sig] = trimmed.split(".");
    if (prefix !== "FO1" || sig === undefined) throw new Error("shape");
    payload = unb64(body);
    signature = unb64(sig);
    claims = JSON.parse(new TextDecoder().decode(payload));
    if (typeof claims.k !== "string") throw new Error("no key id");
  } catch (unreadable) {
    return {refusal: "malformed_ticket"};
  }
  if (!(claims.k in kit.keys)) return {refusal: "unknown_key"};
  let genuine = false;
  try { genuine = signature.length === 64 && await verifyAsync(signature, payload, unb64(kit.keys[claims.k])); }
  catch (bad) { genuine = false; }
  if (!genuine) return {refusal: "invalid_signature"};
  return {claims, person: kit.roster.find((r) => r.id === claims.r) || null};
}

const heldAt = (s, point) => s.points === null || s.points === undefined || s.points.includes(point);

/* The session a scan is for (domain/scans.session_for): the one named ({code, found} with found
   null when the programme has no such code), else, for a check-in, the only one held at `point`
   running at `now`, else null. */
export function sessionFor(kit, named, point, now, direction = "in") {
  const programme = kit.sessions || [];
  if (named) return {code: named, found: programme.find((s) => s.code === named) || null};
  if (direction === "out") return null;
  const running = programme.filter((s) => heldAt(s, point) && new Date(s.starts_at) <= now && now < new Date(s.ends_at));
  return running.length === 1 ? {code: running[0].code, found: running[0]} : null;
}

/* Decide a scan of `text` at `device` ({forum, point}) at `now` (a Date), for the session named
   `session` (a code; null: the one running, see sessionFor); `admittedHere(id, session)` says
   whether this phone let the person in already (into that session, or at all for null);
   `direction` "out" for a check-out (noted for a valid ticket, whether or not the person is in).
   Answers {outcome, reason, registration, session, not_signed_up, direction}. */
export async function decideOffline(text, {kit, device, now, admittedHere, session = null, direction = "in"}) {
  const chosen = sessionFor(kit, session, device.point, now, direction);
  const code = chosen ? chosen.code : null;
  const answer = (outcome, reason, registration, notSignedUp = false) =>
    ({outcome, reason, registration, session: code, not_signed_up: notSignedUp, direction});
  const {claims, person, refusal} = await readTicket(text, kit);
  const refuse = (reason) => answer("rejected", reason, null);
  if (refusal) return refuse(refusal);
  const id = claims ? claims.r : person.id;
  const who = {id, full_name: person ? person.full_name : null};
  if (claims && claims.f !== device.forum) return refuse("wrong_forum");
  if (person && (person.status === "cancelled" || person.status === "waitlisted")) return refuse(person.status);
  if (claims && person && claims.v < person.ticket_version) return refuse("ticket_replaced");
  if (claims && !person && claims.m === "online") return refuse("online_ticket");
  if (claims && !person && claims.p !== device.point) return refuse("wrong_point");
  if (now < new Date(kit.forum.doors_open_at)) return refuse("not_yet_valid");
  if (chosen) {
    if (!chosen.found) return refuse("unknown_session");
    if (!heldAt(chosen.found, device.point)) return refuse("session_elsewhere");
  }
  if (direction === "out") return answer("accepted", "checked_out", who);
  if (chosen) {
    const walkIn = chosen.found.signup && !(person && (person.sessions || []).includes(code));
    if (walkIn && chosen.found.walk_in === "refuse") return refuse("not_signed_up");
    if ((person && (person.in_sessions || []).includes(code)) || await admittedHere(id, code)) {
      return answer("duplicate", "already_in_session", who);
    }
    return answer("accepted", "accepted", who, walkIn);
  }
  if ((person && person.arrived) || await admittedHere(id, null)) {
    return answer("duplicate", "already_checked_in", who);
  }
  return answer("accepted", "accepted", who);
}
