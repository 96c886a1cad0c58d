"""The demo awards programme `./forumops up` loads beside the demo forum: the awards given at it,
from the call for applications to the certificates of its winners.

Through the awards API only, as its people would: the organiser creates the programme (open
now) and invites the jury; schools, units and teachers apply with their files; the organiser
closes applications by moving the close to now (PATCH, as an organiser closing early may) and
computes the assignment; each juror, by the token in their invitation email (read from the local
inbox, the only place it goes), reads their queue and scores it, one declaring a conflict; the
organiser closes the review the same way, confirms the proposal (choosing among a tie at the
cut) and publishes; certificates issues one award certificate per winner from the results event.
"""
from __future__ import annotations

import json
import random
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from . import demo_awards_data as data
from .demo_awards_data import CATEGORIES, CRITERIA, ENTRIES, JURORS, SLUG, TITLE
from .maildir import Inbox

if TYPE_CHECKING:
    from .demo import Demo

INVITATION = "Thư mời tham gia hội đồng chấm: "  # awards' jury_mail, in Vietnamese
_TOKEN = re.compile(r"/jury#token=([A-Za-z0-9_-]+)")


def _now(days: int = 0) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).isoformat()


@dataclass
class AwardsDemo:
    """Loads the programme through `demo`'s APIs (its organiser token), given at `forum`."""

    demo: "Demo"
    forum: str
    inbox: Path | None  # the local inbox's Maildir; None when mail goes to a relay of its own
    jurors: dict[str, data.Juror] = field(default_factory=dict)  # by their id

    def call(self, method: str, path: str, expect=(200, 201), **kwargs):
        return self.demo.call(method, "awards", path, expect, **kwargs)

    def log(self, text: str, first: bool = False) -> None:
        self.demo.log(f"{'awards' if first else '':<14}{text}")

    def exists(self) -> bool:
        return self.call("GET", f"/api/v1/programmes/{SLUG}", (200, 404)).status_code == 200

    def load(self) -> dict:
        started, since = time.monotonic(), datetime.now(timezone.utc) - timedelta(seconds=1)
        self.call("POST", "/api/v1/programmes", json={
            "slug": SLUG, "title": TITLE, "forum": self.forum, "applicants": "both", "blind": True,
            "applications_open_at": _now(), "applications_close_at": _now(30), "review_close_at": _now(60),
            "categories": CATEGORIES, "criteria": CRITERIA, "reviews_per_application": 3})
        self.jurors = {self._invite(j): j for j in JURORS}  # early: their invitations travel meanwhile
        applied = [self._apply(entry) for entry in ENTRIES]
        self.log(f"{len(applied)} applications in {len(CATEGORIES)} categories, "
                 f"{sum(len(a['attachments']) for a in applied)} files", first=True)
        self._move("review", applications_close_at=_now())
        assignment = self.call("POST", f"/api/v1/programmes/{SLUG}/assignments").json()
        self.log(f"{assignment['reviews']} reviews assigned to {len(JURORS)} jurors ({len(assignment['short'])} short)")
        tokens = self._juror_tokens(since)
        if tokens is None:
            self.log("the jurors' invitations went to the mail relay: the reviews are left to them")
            return self._links(applied, None, [])
        self._review(tokens, applied)
        closes = datetime.now(timezone.utc)  # and the results announced for now: they are ready
        self._move("deciding", review_close_at=closes.isoformat(), results_at=(closes + timedelta(seconds=1)).isoformat())
        winners = self._decide([a["id"] for a in applied])
        self.call("POST", f"/api/v1/programmes/{SLUG}/publish", json={})
        serials = self._wait_for_certificates(sum(map(len, winners.values())))
        self.log(f"{len(serials)} winners published, their certificates issued, in {time.monotonic() - started:.1f}s")
        return self._links(applied, tokens, serials)

    def _invite(self, juror: data.Juror) -> str:
        return self.call("POST", f"/api/v1/programmes/{SLUG}/jurors", json={
            "name": juror.name, "email": juror.email, "organisation": juror.organisation,
            "province": juror.province, "categories": list(juror.categories), "language": "vi"}).json()["id"]

    def _apply(self, entry: data.Entry) -> dict:
        """The public form's request: multipart, without the organiser's token."""
        body = {"applicant": {"kind": entry.kind, "name": entry.name, "organisation": entry.organisation,
                              "province": entry.province, "email": entry.email},
                "category": entry.category, "title": entry.title, "summary": entry.summary,
                "consent": True, "language": "vi"}
        parts = [("application", (None, json.dumps(body, ensure_ascii=False), "application/json")),
                 *(("files", file) for file in data.attachments(entry))]
        answer = self.demo.session.post(f"{self.demo.urls['awards']}/api/v1/programmes/{SLUG}/applications",
                                        files=parts, headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=30)
        if answer.status_code != 201:
            raise RuntimeError(f"demo: applying ({entry.name}) answered {answer.status_code}: {answer.text[:300]}")
        return answer.json()

    def _move(self, phase: str, **dates: str) -> None:
        """The organiser closes a phase now by moving its date (and the next phase opens)."""
        shown = self.call("PATCH", f"/api/v1/programmes/{SLUG}", json=dates).json()
        if shown["phase"] != phase:
            raise RuntimeError(f"demo: the programme is in {shown['phase']}, not {phase}, after moving {', '.join(dates)}")

    def _juror_tokens(self, since: datetime) -> dict[str, str] | None:
        """Each juror's token ({juror id: token}), read from their invitation in the local inbox
        (nothing else holds it); None without a local inbox."""
        if self.inbox is None:
            return None
        inbox, wanted, found = Inbox(self.inbox), {j.email: i for i, j in self.jurors.items()}, {}

        def all_invited():
            for key in inbox.keys(since):  # the forum's thousands of messages came before
                seen = inbox.summary(key)
                juror = wanted.get(seen.to[0][1] if seen.to else "")
                if juror and juror not in found and seen.subject.startswith(INVITATION):
                    found[juror] = _TOKEN.search(inbox.message(key).get_body(("plain",)).get_content())[1]
            return found if len(found) == len(wanted) else None

        return _until(all_invited, f"the {len(wanted)} jurors' invitations in {self.inbox}")

    def _review(self, tokens: dict[str, str], applied: list[dict]) -> None:
        """One juror steps aside from an application (handed over at once); then every juror
        scores their queue. The scores of an application's k-th review are the data's."""
        conflicted = next(i for i, j in self.jurors.items() if j.name == data.CONFLICTED)
        mine = self.call("GET", "/api/v1/jurors/me/assignments", token=tokens[conflicted]).json()["assignments"]
        stepped = self.call("PUT", f"/api/v1/applications/{mine[0]['id']}/reviews/me", token=tokens[conflicted],
                            json={"conflict": True, "reason": data.CONFLICT_REASON}).json()
        index = {a["id"]: i for i, a in enumerate(applied)}
        order = {(a["application"], r["juror"]): k for a in self.call(
                 "GET", f"/api/v1/programmes/{SLUG}/assignments").json()["assignments"]
                 for k, r in enumerate(r for r in a["reviewers"] if r["state"] != "conflict")}
        done = 0
        for juror, token in tokens.items():
            for item in self.call("GET", "/api/v1/jurors/me/assignments", token=token).json()["assignments"]:
                if item["review"]["state"] != "assigned":
                    continue
                i, k = index[item["id"]], order[(item["id"], juror)]
                self.call("PUT", f"/api/v1/applications/{item['id']}/reviews/me", token=token,
                          json={"scores": data.scores(i, k), "comment": data.comment(i, k)})
                done += 1
        self.log(f"{done} reviews scored; {data.CONFLICTED} declared a conflict "
                 f"({'handed over' if stepped['replaced'] else 'nobody to take it'})")

    def _decide(self, received: list[str]) -> dict[str, list[str]]:
        """The proposal confirmed; among applications tied at a cut, the organiser picks (no
        reason needed; seeded, by the order they were received, so every `up` picks the same)."""
        ranking, rng = self.call("GET", f"/api/v1/programmes/{SLUG}/ranking").json(), random.Random(data.SEED)
        winners, ties, disagreements = {}, 0, 0
        for category in ranking["categories"]:
            ranked = category["applications"]
            tied = sorted((a["id"] for a in ranked if a["outcome"] == "tied"), key=received.index)
            winners[category["code"]] = ([a["id"] for a in ranked if a["outcome"] == "proposed"]
                                         + rng.sample(tied, category["places_to_fill"]))
            ties += bool(tied)
            disagreements += sum(a["jurors_disagree"] for a in ranked)
        self.call("PUT", f"/api/v1/programmes/{SLUG}/decisions", json={"winners": winners})
        self.log(f"ranked: {ties} tie at a cut chosen among, {disagreements} where jurors disagree")
        return winners

    def _wait_for_certificates(self, expected: int) -> list[str]:
        """The programme's award certificates' serials, once certificates has issued them all and
        the honour roll links each winner to theirs (awards hears of them by their events)."""
        def issued():
            page = self.demo.call("GET", "certificates", f"/api/v1/forums/{self.forum}/certificates",
                                  params={"kind": "award", "status": "valid", "limit": 1000}).json()
            found = [c["serial"] for c in page["certificates"] if c["programme"] == SLUG]
            return found if len(found) >= expected else None

        def linked():
            roll = self.call("GET", f"/api/v1/programmes/{SLUG}/results").json()
            return all(w["certificate"] for c in roll["categories"] for w in c["winners"])

        serials = _until(issued, f"{expected} award certificates")
        _until(linked, "the honour roll's links to the certificates")
        return serials

    def _links(self, applied: list[dict], tokens: dict[str, str] | None, serials: list[str]) -> dict:
        public = self.demo.public or self.demo.urls
        awards, cert = public["awards"], public["certificates"]
        first = applied[0]
        links = {"awards: the programme": f"{awards}/programmes/{SLUG}",
                 f"awards: an applicant's page ({first['applicant']['name']})":
                     f"{awards}/applications/{first['id']}#token={first['manage_token']}"}
        if tokens:
            juror_id = next(iter(self.jurors))
            links[f"awards: a juror's page ({self.jurors[juror_id].name})"] = f"{awards}/jury#token={tokens[juror_id]}"
        links["awards: organiser's page"] = f"{awards}/organiser/programmes/{SLUG}"
        if serials:
            links["awards: honour roll"] = f"{awards}/programmes/{SLUG}/results"
            links["awards: verify a winner's certificate"] = f"{cert}/verify/{serials[0]}"
            links["awards: award certificates (organiser API)"] = \
                f"{cert}/api/v1/forums/{self.forum}/certificates?programme={SLUG}"
        return links


def _until(probe, what: str, timeout_s: float = 60):
    """`probe()` once it is truthy, polled for at most `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := probe():
            return found
        time.sleep(0.3)
    raise RuntimeError(f"demo: not there within {timeout_s:.0f}s: {what}")
