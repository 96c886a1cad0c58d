"""Awards: the jury assignment, applications with a 1 MB attachment against the ceiling of the
same upload, and published results to the last award certificate, in one sitting.

    ./forumops bench awards [--seconds 20] [--connections 16] [--winners 910] [--runs 5]

1. **Assignment**: the pure rule (bench/awards_assignment_bench.py, its programme generator) on
   the issue's programme ×10: 2,000 applications, 60 jurors, 3 reviews each; the first
   computation, a recomputation after conflicts are declared, a constrained case. Median of
   `runs`; measured first, before anything else runs. Target: under 2 s.
2. **Applications**: its own broker, the awards API under the production gunicorn settings with
   its worker, on SQLite; a programme whose window is open (three categories, six criteria);
   AWARDS_APPLY_RATE_LIMIT raised so that nothing is refused for the rate. wrk (bench/apply.lua) posts new applications, each the
   multipart body the apply page sends: the JSON part `application` (its own applicant, email and
   title: never a duplicate) and one 1 MiB PDF. Then the ceiling of the same upload
   (bench/ceiling_app.py `/upload`: bare Flask, the same body parsed, the file written to disk as
   awards keeps one, one row inserted), same gunicorn settings, alone. The ratio: awards / ceiling.
3. **The programme to its results → certificates**, every step through the awards API (its API
   and worker started again on the same database, the certificates worker as a process, the same
   broker): the programme of part 2 brought to exactly 2,000 applications by their holders (those
   received after the first 2,000 withdrawn with the manage token of their receipt, or, short of
   2,000, more applied with a small PDF); 60 jurors invited as the assignment bench composes them,
   each token read from their invitation in the mail outbox (tests/awards/jury.py); applications
   closed (PATCH applications_close_at to now); `POST assignments` timed (the service's own
   assignment on real data, stored and answered), and once more at once; the 6,000 reviews PUT
   over HTTP, 16 at a time, scores chosen so that the ranking proposes exactly the categories'
   awards (`winners` in all, 45/35/20 %) with no tie at the cut; review closed; the proposal
   confirmed (PUT decisions); `POST publish`. Per winner: from just before the POST to the
   certificate's `issued_at` (one clock); when the last became visible in the certificates
   database (committed: `issued_at` is read before the commit; the target is judged on the later
   of the two), and when the awards service's honour roll linked them all. Then a correction:
   two winners a category swapped for the next ones, decided and published with a reason; checked
   that exactly their certificates were revoked (with the reason) and issued, the others kept.
   Then the correction's staged event delivered twice more as the awards broker user (the same
   event, and its results under a new event id): nothing changes. Target: p99 under 5 s.

Every wait is bounded; the run stops by itself.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient
from sqlalchemy import func, select

import awards_assignment_bench as assignment
from awards.services.jury_mail import INVITATION
from awards.services.mail import RECEIPT
from awards.tables import applications, attachments, award_certificates, programmes
from certificates.tables import certificates
from forumops_shared import access, topics
from forumops_shared.db import as_utc, make_engine, readonly
from forumops_shared.events import decode_event, encode_event, new_event
from forumops_shared.events.registry import RESULTS_PUBLISHED
from forumops_shared.mail import mail_outbox
from forumops_shared.plumbing import outbox
from harness import (BROKER, TOKEN, Server, admin_client, arguments, cpu_line, cpu_summary, ensure_wrk, percentile, row, run_wrk,
                     service_env, setting_line, start_broker, start_worker, table_head)

TARGET_ASSIGNMENT_S, TARGET_P99_S = 2.0, 5.0
SLUG = "giai-thuong-do-tai"
FILE_BYTES = 1024 * 1024
WAIT_LIMIT_S = 120  # the most any wait for certificates lasts
APPLICATIONS, JURORS = 2000, 60  # the programme x10; 3 reviews each (the programme's default)
SWAPS_PER_CATEGORY = 2  # winners the correction replaces in each category
CORRECTION = "Đính chính: điểm của sáu hồ sơ bị nhập nhầm, nay đã sửa."
CATEGORIES = [
    {"code": "environment", "name": {"vi": "Môi trường giáo dục tốt nhất", "en": "Best Education Environment"}},
    {"code": "innovation", "name": {"vi": "Đổi mới sáng tạo giáo dục tiêu biểu", "en": "Best Education Innovation"}},
    {"code": "influence", "name": {"vi": "Ảnh hưởng giáo dục của năm", "en": "Best Education Influence of the Year"}},
]
CRITERIA = [{"code": f"c{n}", "name": {"vi": f"Tiêu chí {n}", "en": f"Criterion {n}"}, "weight": 1 + n % 2,
             "max": 10} for n in range(1, 7)]
TITLE = {"vi": "Giải thưởng Giáo dục tiêu biểu (đo tải)", "en": "Outstanding Education Awards (load test)"}


# -- 2. applications with a 1 MB attachment ------------------------------------------------------

def create_programme(url: str, winners: int) -> None:
    """A programme open for applications from yesterday until tomorrow, six criteria, three
    categories whose awards add up to `winners` (45/35/20 %)."""
    now = datetime.now(timezone.utc)
    answer = requests.post(f"{url}/api/v1/programmes", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30, json={
        "slug": SLUG, "title": TITLE, "applications_open_at": (now - timedelta(days=1)).isoformat(),
        "applications_close_at": (now + timedelta(days=1)).isoformat(),
        "review_close_at": (now + timedelta(days=2)).isoformat(),
        "categories": [{**c, "awards": n} for c, n in zip(CATEGORIES, quotas(winners))], "criteria": CRITERIA})
    answer.raise_for_status()


def stored(database_url: str, files: Path) -> dict:
    """Applications and attachments recorded, and the files on disk (what was accepted was kept)."""
    engine = make_engine(database_url)
    try:
        with readonly(engine).connect() as conn:
            counts = {"applications": conn.execute(select(func.count()).select_from(applications)).scalar_one(),
                      "attachments": conn.execute(select(func.count()).select_from(attachments)).scalar_one()}
    finally:
        engine.dispose()
    return {**counts, "files": sum(1 for p in files.rglob("*") if p.is_file() and not p.name.startswith("."))}


def run_uploads(wrk: str, url: str, args) -> dict:
    """A short warm-up (other applicants: BENCH_SKIP), then the measured run."""
    run_wrk(wrk, url, "apply.lua", 3, args.connections, env={**os.environ, "BENCH_SKIP": "50000000"})
    return run_wrk(wrk, url, "apply.lua", args.seconds, args.connections)


def upload_ceiling(wrk: str, work: Path, env: dict, args) -> dict:
    """The bare Flask upload + one insert, under the same gunicorn settings, alone."""
    env = {**env, "CEILING_DATABASE_URL": f"sqlite:///{work}/ceiling.db", "CEILING_FILES_DIR": str(work / "ceiling-files")}
    server = Server("ceiling_app:create_app()", env, work / "ceiling.log", ["--pythonpath", str(Path(__file__).parent)])
    try:
        return run_uploads(wrk, f"{server.url}/upload", args)
    finally:
        server.stop()


# -- 3. the jury, the decision, the results published -> award certificates --------------------

class Organiser:
    """The organiser's calls to the awards API (the admin token); each answer checked."""

    def __init__(self, url: str):
        self.url, self.session = url, requests.Session()
        self.session.headers["Authorization"] = f"Bearer {TOKEN}"

    def __call__(self, method: str, path: str, status: int = 200, **kwargs) -> dict:
        answer = self.session.request(method, f"{self.url}{path}", timeout=120, **kwargs)
        if answer.status_code != status:
            raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text[:500]}")
        return answer.json()


def in_parallel(calls: list, threads: int = 16) -> list:
    """Run `calls` (each taking a requests.Session) on `threads` threads; their results, in order."""
    local = threading.local()

    def run(call):
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return call(local.session)
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(run, calls, timeout=WAIT_LIMIT_S * 5))


def outbox_params(database_url: str, kind: str, subject_ids: list[str]) -> dict[str, dict]:
    """The params of the latest `kind` mail about each subject: what the email would carry
    (a juror's invitation link, an applicant's manage link), as tests/awards/jury.py reads them."""
    engine = make_engine(database_url)
    try:
        with readonly(engine).connect() as conn:
            rows = conn.execute(select(mail_outbox.c.subject_id, mail_outbox.c.params)
                                .where(mail_outbox.c.kind == kind).order_by(mail_outbox.c.created_at)).all()
    finally:
        engine.dispose()
    wanted = set(subject_ids)
    return {r.subject_id: json.loads(r.params) for r in rows if r.subject_id in wanted}


def submitted(database_url: str) -> list[str]:
    """The programme's submitted applications, in the order received."""
    engine = make_engine(database_url)
    try:
        with readonly(engine).connect() as conn:
            return list(conn.execute(select(applications.c.id).join(programmes)
                                     .where(programmes.c.slug == SLUG, applications.c.status == "submitted")
                                     .order_by(applications.c.seq)).scalars())
    finally:
        engine.dispose()


def exactly(url: str, database_url: str, count: int) -> dict:
    """The programme at exactly `count` applications, through the applicants' own calls: those
    received after the first `count` withdrawn by their holders (the manage token of their
    receipt), or, short of `count`, more applications (a small PDF each)."""
    ids = submitted(database_url)
    extra = ids[count:]
    tokens = outbox_params(database_url, RECEIPT, extra)

    def withdraw(application_id):
        return lambda s: s.post(f"{url}/api/v1/applications/{application_id}/withdraw", timeout=60,
                                headers={"Authorization": f"Bearer {tokens[application_id]['token']}"}).status_code

    def apply(n):
        body = {"applicant": {"kind": "unit", "name": f"Trường THCS Chu Văn An {n}", "organisation":
                              f"Trường THCS Chu Văn An {n}", "province": f"Tỉnh {n % 63}", "email": f"bosung{n}@truong.edu.vn"},
                "category": CATEGORIES[n % 3]["code"], "title": f"Thư viện xanh {n}", "summary": "Hồ sơ bổ sung.",
                "consent": True, "language": "vi"}
        files = {"application": (None, json.dumps(body), "application/json"),
                 "attachments": ("ho-so.pdf", b"%PDF-1.4\n" + b"0 0 612 792 re f\n" * 64, "application/pdf")}
        return lambda s: s.post(f"{url}/api/v1/programmes/{SLUG}/applications", files=files, timeout=60).status_code
    answers = in_parallel([withdraw(i) for i in extra] + [apply(n) for n in range(count - len(ids))])
    if any(status not in (200, 201) for status in answers) or len(submitted(database_url)) != count:
        raise RuntimeError(f"could not bring the programme to {count} applications: {sorted(set(answers))}")
    return {"received": len(ids), "withdrawn": len(extra), "added": max(0, count - len(ids))}


def invite_jury(api: Organiser, database_url: str, applicant_organisations: list[str]) -> dict[str, str]:
    """JURORS jurors, as bench/awards_assignment_bench.py composes them: one category each, a
    sixth of them two; from 30 organisations, 10 of them applicants' (whose applications their
    jurors may not review). Their tokens as their invitations carry them."""
    organisations = [f"Đại học Sư phạm {n}" for n in range(20)] + applicant_organisations[:10]
    codes = [c["code"] for c in CATEGORIES]
    ids = []
    for n in range(JURORS):
        categories = [codes[n % 3]] + ([codes[(n + 1) % 3]] if n % 6 == 0 else [])
        ids.append(api("POST", f"/api/v1/programmes/{SLUG}/jurors", 201, json={
            "name": f"Giám khảo Nguyễn Văn {n}", "email": f"giamkhao{n}@hoidong.edu.vn",
            "organisation": organisations[n % 30], "province": f"Tỉnh {n % 63}", "categories": categories})["id"])
    params = outbox_params(database_url, INVITATION, ids)
    return {juror_id: params[juror_id]["token"] for juror_id in ids}


def organisations_of(database_url: str, ids: list[str]) -> list[str]:
    engine = make_engine(database_url)
    try:
        with readonly(engine).connect() as conn:
            found = dict(conn.execute(select(applications.c.id, applications.c.organisation)
                                      .where(applications.c.id.in_(ids))).all())
    finally:
        engine.dispose()
    return [found[i] for i in ids]


def quotas(winners: int) -> list[int]:
    """The three categories' awards: 45/35/20 % of `winners`."""
    shares = [round(winners * 0.45), round(winners * 0.35)]
    return [*shares, winners - sum(shares)]


def meant_winners(assigned: list[dict], awards: dict[str, int]) -> set[str]:
    """Who the jury's scores make win: per category, its first `awards` applications by id."""
    by_category: dict[str, list[str]] = {}
    for a in assigned:
        by_category.setdefault(a["category"], []).append(a["application"])
    return {i for code, ids in by_category.items() for i in sorted(ids)[:awards[code]]}


def scores(application_id: str, juror_id: str, wins: bool) -> dict[str, int]:
    """Every criterion scored 6–10 for an application meant to win, 0–5 otherwise, varied per juror:
    a winner's weighted score is at least 60, the others' at most 50, so the proposal is exactly the
    quotas, with no tie at the cut."""
    low, high = (6, 10) if wins else (0, 5)
    return {c["code"]: low + zlib.crc32(f"{application_id}:{juror_id}:{c['code']}".encode()) % (high - low + 1)
            for c in CRITERIA}


def review_all(url: str, assigned: list[dict], tokens: dict[str, str], winners: set[str]) -> dict:
    """Every juror scores every application in their queue, 16 at a time over HTTP."""
    def review(application_id, juror_id):
        body = {"scores": scores(application_id, juror_id, application_id in winners), "comment": "Hồ sơ đầy đủ."}
        return lambda s: s.put(f"{url}/api/v1/applications/{application_id}/reviews/me", json=body, timeout=60,
                               headers={"Authorization": f"Bearer {tokens[juror_id]}"}).status_code
    calls = [review(a["application"], r["juror"]) for a in assigned for r in a["reviewers"]]
    started = time.perf_counter()
    answers = in_parallel(calls)
    took = time.perf_counter() - started
    failed = sum(status != 200 for status in answers)
    if failed:
        raise RuntimeError(f"{failed} of {len(answers)} reviews refused: {sorted(set(answers))}")
    return {"reviews": len(answers), "seconds": took, "per_s": len(answers) / took}


def proposal(ranking: dict) -> tuple[dict[str, list[str]], int]:
    """The ranking's proposed winners per category, and how many applications are tied at a cut."""
    return ({c["code"]: [a["id"] for a in c["applications"] if a["outcome"] == "proposed"] for c in ranking["categories"]},
            sum(a["outcome"] == "tied" for c in ranking["categories"] for a in c["applications"]))


def swapped(ranking: dict, per_category: int) -> tuple[dict[str, list[str]], set[str], set[str]]:
    """A correction: in each category the last `per_category` proposed winners give way to the
    first as many after them. (the winners, who leaves, who comes in)"""
    winners, out, into = {}, set(), set()
    for c in ranking["categories"]:
        proposed = [a["id"] for a in c["applications"] if a["outcome"] == "proposed"]
        following = [a["id"] for a in c["applications"] if a["outcome"] == "not_proposed"][:per_category]
        leaving = proposed[len(proposed) - per_category:]
        winners[c["code"]] = [i for i in proposed if i not in leaving] + following
        out.update(leaving)
        into.update(following)
    return winners, out, into


def certificates_of(database_url: str, slug: str) -> list:
    """The programme's certificates: serial, award_ref (application id), issued_at, revoked_at, revoke_reason."""
    engine = make_engine(database_url)
    c = certificates.c
    try:
        with readonly(engine).connect() as conn:
            return conn.execute(select(c.serial, c.award_ref, c.issued_at, c.revoked_at, c.revoke_reason)
                                .where(c.programme == slug)).all()
    finally:
        engine.dispose()


def held(database_url: str, slug: str) -> tuple[int, int]:
    """(valid, all) certificates of the programme."""
    rows = certificates_of(database_url, slug)
    return sum(r.revoked_at is None for r in rows), len(rows)


def linked(database_url: str, slug: str) -> int:
    """Valid award certificates the awards service has heard of (its honour roll's links)."""
    engine = make_engine(database_url)
    try:
        with readonly(engine).connect() as conn:
            return conn.execute(select(func.count()).where(award_certificates.c.programme == slug,
                                                           award_certificates.c.revoked_at.is_(None))).scalar_one()
    finally:
        engine.dispose()


def wait_until(check, limit_s: float = WAIT_LIMIT_S, every_s: float = 0.05) -> float | None:
    """When (Unix seconds) `check()` first held; None if not within `limit_s`."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if check():
            return time.time()
        time.sleep(every_s)
    return None


def consuming(bootstrap: str, group: str) -> bool:
    """Whether the group has members and is stable (its consumers have their partitions)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, **admin_client())
    try:
        info = admin.describe_groups([group]).get(group, {})
    except Exception:  # noqa: BLE001 - the coordinator not ready yet
        return False
    finally:
        admin.close()
    return info.get("group_state") == "Stable" and bool(info.get("members"))


def committed(bootstrap: str, group: str, topic: str) -> int:
    """How many messages of `topic` the group has finished with (its committed offsets)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, **admin_client())
    try:
        offsets = admin.list_group_offsets({group: None}).get(group, {})
    except Exception:  # noqa: BLE001 - the coordinator not ready yet: nothing committed
        return 0
    finally:
        admin.close()
    return sum(max(o.offset, 0) for tp, o in offsets.items() if tp.topic == topic)


def staged_results(database_url: str) -> list:
    """The results events the awards service staged, oldest first (the relay keeps them a day)."""
    engine = make_engine(database_url)
    try:
        with readonly(engine).connect() as conn:
            return conn.execute(select(outbox.c.event_id, outbox.c.payload, outbox.c.published_at)
                                .where(outbox.c.event_type == RESULTS_PUBLISHED).order_by(outbox.c.id)).all()
    finally:
        engine.dispose()


def awards_producer(bootstrap: str) -> KafkaProducer:
    """A producer as the awards service's relay: its own broker user, allowed to write its topic."""
    client = {}
    if admin_client():  # a broker with users: the awards service's (SCRAM, as the services sign in)
        client = {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": access.MECHANISM,
                  "sasl_plain_username": "awards", "sasl_plain_password": BROKER["passwords"]["awards"]}
    return KafkaProducer(bootstrap_servers=bootstrap, acks="all", max_block_ms=30_000, **client)


def deliver_again(bootstrap: str, payload: str) -> None:
    """The staged event delivered once more as the relay sent it (same id), and its results once
    more under a new event id."""
    event = decode_event(payload.encode(), topic=topics.AWARDS_RESULTS)  # as the certificates worker reads it
    again = new_event(RESULTS_PUBLISHED, event.subject, json.loads(payload)["data"], source=event.source)
    producer = awards_producer(bootstrap)
    try:
        for raw, sent in ((payload.encode(), event), (encode_event(again), again)):
            producer.send(topics.AWARDS_RESULTS, key=event.subject.encode(), value=raw,
                          headers=[("ce_id", sent.id.encode()), ("ce_type", sent.type.encode())]).get(timeout=30)
    finally:
        producer.close(timeout=5)


def run_results(stack: ExitStack, bootstrap: str, work: Path, env: dict, winners: int) -> dict:
    """The programme of part 2 to its results, every step through the awards API; see the docstring."""
    awards_db = env["AWARDS_DATABASE_URL"]
    certificates_env = service_env("certificates", bootstrap, work, CERTIFICATES_ADMIN_TOKEN=TOKEN)
    certificates_env.pop("FORUMOPS_SMTP_URL", None)  # the winners' mail is queued, not sent: not what is measured
    certificates_db = certificates_env["CERTIFICATES_DATABASE_URL"]
    start_worker(stack, "certificates-worker", certificates_env)
    start_worker(stack, "awards-worker", env)
    server = Server("awards.app:create_app()", env, work / "awards-results.log")
    stack.callback(server.stop)
    api, url = Organiser(server.url), server.url
    took, mark = {}, [time.perf_counter()]

    def done(step: str) -> None:
        took[step] = time.perf_counter() - mark[0]
        mark[0] = time.perf_counter()
    result = {"winners": winners, "programme": exactly(url, awards_db, APPLICATIONS), "took": took}
    done("applications")
    apps = submitted(awards_db)
    tokens = invite_jury(api, awards_db, organisations_of(awards_db, apps[:10]))
    done("jury")
    api("PATCH", f"/api/v1/programmes/{SLUG}", json={"applications_close_at": datetime.now(timezone.utc).isoformat()})

    started = time.perf_counter()
    assignment_answer = api("POST", f"/api/v1/programmes/{SLUG}/assignments")
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    again = api("POST", f"/api/v1/programmes/{SLUG}/assignments")
    loads = [j["load"] for j in assignment_answer["loads"]]
    result["assignment"] = {"first_s": first_s, "again_s": time.perf_counter() - started,
                            "applications": assignment_answer["applications"], "reviews": assignment_answer["reviews"],
                            "short": len(assignment_answer["short"]), "loads": (min(loads), max(loads)),
                            "moved": again["added"] + len(again["released"]), "jurors": len(tokens)}
    done("assignment")

    awards = dict(zip((c["code"] for c in CATEGORIES), quotas(winners)))
    meant = meant_winners(assignment_answer["assignments"], awards)
    result["reviews"] = review_all(url, assignment_answer["assignments"], tokens, meant)
    done("reviews")
    api("PATCH", f"/api/v1/programmes/{SLUG}", json={"review_close_at": datetime.now(timezone.utc).isoformat()})
    ranking = api("GET", f"/api/v1/programmes/{SLUG}/ranking")
    proposed, tied = proposal(ranking)
    result["proposal_as_scored"] = tied == 0 and {i for ids in proposed.values() for i in ids} == meant
    api("PUT", f"/api/v1/programmes/{SLUG}/decisions", json={"winners": proposed})
    done("decision")

    # Published: from just before the POST to each certificate's issued_at, and to all visible.
    for group in ("certificates", "awards"):  # both workers listening, as in a system long up
        if wait_until(lambda: consuming(bootstrap, group), every_s=0.5) is None:
            raise RuntimeError(f"the {group} worker did not join its consumer group in {WAIT_LIMIT_S} s")
    done("workers listening")
    print("the programme through the API: " + ", ".join(f"{step} {s:.1f} s" for step, s in took.items()), flush=True)
    sent = time.time()
    published = api("POST", f"/api/v1/programmes/{SLUG}/publish", json={})
    answered = time.time()
    visible = wait_until(lambda: held(certificates_db, SLUG)[0] >= winners)
    on_roll = wait_until(lambda: linked(awards_db, SLUG) >= winners)
    first = certificates_of(certificates_db, SLUG)
    relayed = staged_results(awards_db)[0].published_at  # when the broker had acknowledged the event
    roll = api("GET", f"/api/v1/programmes/{SLUG}/results")
    result.update(published=published["winners"], publish_http_s=answered - sent,
                  latencies=sorted(as_utc(r.issued_at).timestamp() - sent for r in first),
                  relayed_s=as_utc(relayed).timestamp() - sent if relayed else float("nan"),
                  visible_s=visible - sent if visible else float("nan"),
                  linked_s=on_roll - sent if on_roll else float("nan"),
                  issued=sum(r.revoked_at is None for r in first),
                  roll_linked=sum(w["certificate"] is not None for c in roll["categories"] for w in c["winners"]))

    # A correction: a few winners swapped, with a reason; exactly their certificates change.
    corrected, out, into = swapped(ranking, SWAPS_PER_CATEGORY)
    api("PUT", f"/api/v1/programmes/{SLUG}/decisions", json={"winners": corrected, "reason": CORRECTION})
    sent = time.time()
    api("POST", f"/api/v1/programmes/{SLUG}/publish", json={"reason": CORRECTION})
    applied = wait_until(lambda: held(certificates_db, SLUG) == (winners, winners + len(out)))
    after = certificates_of(certificates_db, SLUG)
    before = {r.award_ref: r.serial for r in first if r.revoked_at is None}
    valid = {r.award_ref: r.serial for r in after if r.revoked_at is None}
    revoked = [r for r in after if r.revoked_at is not None]
    result["correction"] = {
        "swapped": len(out), "applied_s": applied - sent if applied else float("nan"),
        "revoked": len(revoked), "issued": len(set(valid) - set(before)), "kept": len(set(valid) & set(before)),
        "exact": ({r.award_ref for r in revoked} == out and {r.revoke_reason for r in revoked} == {CORRECTION}
                  and set(valid) == (set(before) - out) | into
                  and all(valid[ref] == before[ref] for ref in set(before) - out))}

    # The same results delivered twice more: the correction's event again, then under a new id.
    staged = staged_results(awards_db)
    deliver_again(bootstrap, staged[-1].payload)
    drained = wait_until(lambda: committed(bootstrap, "certificates", topics.AWARDS_RESULTS) >= len(staged) + 2,
                         every_s=0.5)
    repeated = certificates_of(certificates_db, SLUG)
    result.update(staged=len(staged), repeats_consumed=drained is not None,
                  after_repeats=(sum(r.revoked_at is None for r in repeated), len(repeated)),
                  repeats_changed=sorted(map(tuple, repeated)) != sorted(map(tuple, after)))
    return result


# -- the sitting -----------------------------------------------------------------------------------

def measure(args) -> dict:
    wrk = ensure_wrk()
    started = time.monotonic()
    result = {"assignment": assignment.measure(APPLICATIONS, JURORS, args.runs)}  # on a machine at rest
    work = Path(tempfile.mkdtemp(prefix="forumops-bench-"))
    try:
        with ExitStack() as stack:
            bootstrap = start_broker(stack, work)
            env = service_env("awards", bootstrap, work, AWARDS_ADMIN_TOKEN=TOKEN, AWARDS_FILES_DIR=str(work / "files"),
                              AWARDS_APPLY_RATE_LIMIT="1000000/second")
            env.pop("FORUMOPS_SMTP_URL", None)  # receipts, invitations and decisions queued, not sent
            with ExitStack() as awards:
                start_worker(awards, "awards-worker", env)
                api = Server("awards.app:create_app()", env, work / "awards.log")
                awards.callback(api.stop)
                create_programme(api.url, args.winners)
                result["applications"] = run_uploads(wrk, f"{api.url}/api/v1/programmes/{SLUG}/applications", args)
            result["stored"] = stored(env["AWARDS_DATABASE_URL"], work / "files")
            result["ceiling"] = upload_ceiling(wrk, work, env, args)
            shutil.rmtree(work / "ceiling-files", ignore_errors=True)
            result["results"] = run_results(stack, bootstrap, work, env, args.winners)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    a, res = result["applications"], result["results"]
    lat, fix = res["latencies"], res["correction"]
    result["ratio"] = a["rps"] / result["ceiling"]["rps"]
    result["p99_s"] = percentile(lat, 0.99)
    result["api_assignment_meets"] = (res["assignment"]["first_s"] < TARGET_ASSIGNMENT_S
                                      and res["assignment"]["applications"] == APPLICATIONS
                                      and res["assignment"]["short"] == 0)
    result["exact"] = (res["proposal_as_scored"] and res["published"] == res["winners"]
                       and res["issued"] == res["winners"] and len(lat) == res["winners"]
                       and res["roll_linked"] == res["winners"])
    result["correction_exact"] = (fix["exact"] and fix["revoked"] == fix["issued"] == fix["swapped"]
                                  and res["after_repeats"] == (res["winners"], res["winners"] + fix["swapped"])
                                  and res["repeats_consumed"] and not res["repeats_changed"])
    # issued_at is the handler's clock reading, before its transaction commits: judged by the
    # later of the p99 and the moment they were all committed (visible).
    result["results_meet"] = result["exact"] and max(result["p99_s"], res["visible_s"]) < TARGET_P99_S
    result["settings"] = setting_line(args)
    result["elapsed_s"] = time.monotonic() - started
    return result


def report(r: dict) -> None:
    print(f"\nawards benchmark ({r['elapsed_s']:.0f} s in all)\n")
    assignment.report(r["assignment"])
    s = r["stored"]
    print(f"\napplications with a 1 MiB PDF each: {r['settings']}\n")
    print(table_head())
    print(row("POST application (multipart, 1 MiB)", r["applications"]))
    print(row("ceiling: bare upload + 1 insert", r["ceiling"]))
    print(f"\nratio to the upload ceiling {r['ratio']:.2f}; stored by awards (warm-up included): "
          f"{s['applications']:,} applications, {s['attachments']:,} attachments, {s['files']:,} files on disk")
    print(cpu_line("applications", r["applications"]))
    print(cpu_line("the upload ceiling", r["ceiling"]))
    res = r["results"]
    prog, asg, rev, fix, lat = res["programme"], res["assignment"], res["reviews"], res["correction"], res["latencies"]
    print(f"\nthe programme through the awards API: {prog['received']:,} received, {prog['withdrawn']} withdrawn by "
          f"their holders, {prog['added']} added: {asg['applications']:,} applications; {asg['jurors']} jurors invited")
    print(f"  assignment (POST assignments): first {asg['first_s']:.2f} s ({asg['reviews']:,} reviews, {asg['short']} short, "
          f"loads {asg['loads'][0]}–{asg['loads'][1]}); again {asg['again_s']:.2f} s ({asg['moved']} moved); "
          f"target under {TARGET_ASSIGNMENT_S:.0f} s: {'met' if r['api_assignment_meets'] else 'NOT met'}")
    print(f"  reviews over HTTP: {rev['reviews']:,} in {rev['seconds']:.1f} s ({rev['per_s']:.0f}/s, 16 at a time); "
          f"proposal exactly as scored, no tie: {res['proposal_as_scored']}")
    print(f"\nresults published (POST publish, answered in {res['publish_http_s']:.2f} s; the event relayed after "
          f"{res['relayed_s']:.2f} s) -> award certificates, {res['winners']} winners:")
    print(f"  per winner, before the POST -> issued_at: p50 {percentile(lat, 0.5):.2f} s, p99 {r['p99_s']:.2f} s, "
          f"max {lat[-1] if lat else float('nan'):.2f} s; all {res['winners']} visible after {res['visible_s']:.2f} s, "
          f"linked on the honour roll after {res['linked_s']:.2f} s ({res['roll_linked']} links)")
    print(f"  target p99 under {TARGET_P99_S:.0f} s, exactly {res['winners']}: {'met' if r['results_meet'] else 'NOT met'}")
    print(f"  correction ({fix['swapped']} winners swapped, with a reason): applied {fix['applied_s']:.2f} s after the POST; "
          f"{fix['revoked']} revoked, {fix['issued']} issued, {fix['kept']} kept; exactly those: {fix['exact']}")
    print(f"  the correction's results delivered twice more (its event again, then under a new id): "
          f"{res['after_repeats'][0]} valid, {res['after_repeats'][1]} in all, "
          f"{'nothing changed' if not res['repeats_changed'] else 'CHANGED'} "
          f"({'consumed' if res['repeats_consumed'] else 'NOT consumed in time'})")
    print("\nfor bench/RESULTS.md:\n")
    print(section(r))


def section(r: dict) -> str:
    """bench/RESULTS.md's Awards section."""
    a, c, res, s = r["assignment"], r["ceiling"], r["results"], r["stored"]
    prog, asg, rev, fix, lat = res["programme"], res["assignment"], res["reviews"], res["correction"], res["latencies"]
    http = lambda x: f"{x['rps']:.0f} req/s, p50 {x['p50_ms']:.0f} ms, p99 {x['p99_ms']:.0f} ms, {x['failed']} not 2xx"  # noqa: E731
    met = lambda flag: "met" if flag else "**not met**"  # noqa: E731
    lines = [
        "## Awards", "",
        "| benchmark | measured | baseline in the same sitting | ratio | target | |",
        "|---|---|---|---|---|---|",
        f"| Awards: jury assignment, {a['applications']:,} applications, {a['jurors']} jurors, 3 reviews each (the rule) | "
        f"first {a['first_s']:.2f} s, recomputed {a['again_s']:.2f} s, constrained {a['hard_s']:.2f} s | | | "
        f"< {TARGET_ASSIGNMENT_S:.0f} s | {met(a['meets'])} |",
        f"| Awards: jury assignment through the API (POST assignments), {asg['applications']:,} applications, "
        f"{asg['jurors']} jurors | first {asg['first_s']:.2f} s ({asg['reviews']:,} reviews, {asg['short']} short), "
        f"again {asg['again_s']:.2f} s | | | < {TARGET_ASSIGNMENT_S:.0f} s | {met(r['api_assignment_meets'])} |",
        f"| Awards: applications with a 1 MiB PDF each | {http(r['applications'])} | "
        f"bare upload + 1 insert: {http(c)} | {r['ratio']:.2f} | | |",
        f"| Awards: POST publish → award certificates, {res['winners']} winners | "
        f"p50 {percentile(lat, 0.5):.2f} s, p99 {r['p99_s']:.2f} s, max {lat[-1] if lat else float('nan'):.2f} s; "
        f"all committed {res['visible_s']:.2f} s after the POST began, on the honour roll after {res['linked_s']:.2f} s; "
        f"{res['issued']} issued | | | p99 < {TARGET_P99_S:.0f} s, exactly {res['winners']} | {met(r['results_meet'])} |",
        f"| Awards: a correction, {fix['swapped']} winners swapped | applied {fix['applied_s']:.2f} s after the POST; "
        f"{fix['revoked']} revoked, {fix['issued']} issued, {fix['kept']} kept; delivered twice more: "
        f"{res['after_repeats'][0]} valid, {res['after_repeats'][1]} in all | | | exactly what changed | "
        f"{met(r['correction_exact'])} |",
        "",
        f"- **Assignment, the rule**: `awards.domain.assignment.assign` on the programme of "
        "bench/awards_assignment_bench.py (three categories 45/35/20 %, 600 applicant organisations, jurors from 30, "
        f"a sixth of them in two categories, 200 declared conflicts), median of {a['runs']} runs: "
        f"{a['reviews']:,} reviews, {a['short']} short, jurors' loads {a['loads'][0]}–{a['loads'][1]}; recomputed after "
        f"30 more conflicts with a third of the reviews started and a third submitted ({a['released']} released, "
        f"{a['added']} placed anew); constrained: 8 organisations, 3,000 conflicts. The rule's inputs are the "
        "applications' category, organisation and province: their attachments play no part in it.",
        f"- **Applications**: {r['settings']}; its own broker, the awards API and worker, a programme open for "
        "applications, AWARDS_APPLY_RATE_LIMIT=1000000/second; wrk (bench/apply.lua) posts the apply page's "
        "multipart body: the JSON part `application` (a new applicant, email and title each time) and one 1 MiB PDF, "
        f"no Idempotency-Key. Kept: {s['applications']:,} applications, {s['attachments']:,} attachments, "
        f"{s['files']:,} files (warm-up included). The ceiling (bench/ceiling_app.py `/upload`) parses the same body, "
        "writes the file as the awards service does (random name, temporary file, fsync, rename) and inserts one "
        "row. CPU seconds: " + _cpu(r["applications"]) + "; the ceiling's: " + _cpu(c) + ".",
        f"- **The programme to its results, through the awards API** (its API and worker again, the certificates "
        f"worker, the same broker): the uploaded programme brought to {asg['applications']:,} applications by their "
        f"holders ({prog['received']:,} received, {prog['withdrawn']} withdrawn with the manage token of their receipt, "
        f"{prog['added']} added); {asg['jurors']} jurors invited (tokens from their invitations), one category each, "
        "a sixth two, from 30 organisations of which 10 are applicants'; applications closed (PATCH). The assignment: "
        "`POST assignments` timed from request to answer (computed, 6,000 rows stored, the whole assignment "
        f"returned), loads {asg['loads'][0]}–{asg['loads'][1]}; again at once ({asg['moved']} moved). Then "
        f"{rev['reviews']:,} reviews over HTTP, 16 at a time, in {rev['seconds']:.0f} s ({rev['per_s']:.0f}/s), every "
        "criterion 6–10 for the applications meant to win and 0–5 for the others, so the ranking proposes exactly the "
        f"categories' awards with no tie; review closed; the proposal confirmed (`PUT decisions`).",
        f"- **Results → certificates**: from just before `POST publish` (answered in {res['publish_http_s']:.2f} s: "
        "the publication, the event staged in the outbox, every applicant's decision mail queued) through the "
        f"awards worker's relay (the broker's acknowledgement recorded {res['relayed_s']:.2f} s after the POST began) "
        "to each certificate's `issued_at` in the certificates worker (one clock; one "
        "transaction issues them all, `issued_at` read as it starts); all visible in the database (committed), "
        "polled every 50 ms: the target is judged on the later; then every winner linked on the honour roll "
        f"(the awards worker's copy of the certificates' events; the JSON honour roll shows {res['roll_linked']} links). "
        f"The correction: {fix['swapped']} winners swapped for the next ones ({SWAPS_PER_CATEGORY} a category), "
        "the decision and the publication with a reason; checked: exactly the removed winners' certificates revoked, "
        "with the reason, certificates issued for exactly those added, the others' serials unchanged. Then the "
        "correction's staged event sent again as the relay sent it (same id), and its results under a new event id, "
        f"as the awards broker user: {res['after_repeats'][0]} valid, {res['after_repeats'][1]} certificates in all, "
        f"{'nothing changed' if not res['repeats_changed'] else '**something changed**'}.",
        "",
    ]
    return "\n".join(lines)


def _cpu(r: dict) -> str:
    per = sum(r["cpu_s"].values()) / max(r["requests"], 1) * 1000
    return f"{cpu_summary(r['cpu_s'])} ({per:.1f} ms per request)"


def main(argv: list[str] | None = None) -> None:
    report(measure(arguments(__doc__, argv, connections=16, winners=910, runs=5)))


if __name__ == "__main__":
    main()
