/* The scanner's own decision, for when the service cannot be reached: the order of
   checkin/domain/scans.py, with what the device kit holds (the forum's public keys, when the
   doors open, the roster of its own point). tests/web/test_scan_decisions.py runs this function
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

/* Decide a scan of `text` at `device` ({forum, point}) at `now` (a Date); `admittedHere(id)`
   says whether this phone let the person in already. Answers {outcome, reason, registration}. */
export async function decideOffline(text, {kit, device, now, admittedHere}) {
  const {claims, person, refusal} = await readTicket(text, kit);
  const refuse = (reason) => ({outcome: "rejected", reason, registration: null});
  if (refusal) return refuse(refusal);
  const id = claims ? claims.r : person.id;
  const who = {id, full_name: person ? person.full_name : null};
  if (claims && claims.f !== device.forum) return refuse("wrong_forum");
  if (person && (person.status === "cancelled" || person.status === "waitlisted")) return refuse(person.status);
  if (claims && person && claims.v < person.ticket_version) return refuse("ticket_replaced");
  if (claims && !person && claims.m === "online") return refuse("online_ticket");
  if (claims && !person && claims.p !== device.point) return refuse("wrong_point");
  if (now < new Date(kit.forum.doors_open_at)) return refuse("not_yet_valid");
  if ((person && person.arrived) || await admittedHere(id)) {
    return {outcome: "duplicate", reason: "already_checked_in", registration: who};
  }
  return {outcome: "accepted", reason: "accepted", registration: who};
}
