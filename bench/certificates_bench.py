"""Certificates: a burst of check-in events to the last certificate, and PDFs per second, in one run.

    ./forumops bench certificates [--events 10000] [--pdf-seconds 10]

1. Loads a forum and `events` registrations into the certificates projection (straight into its
   tables: the check-ins are what is measured) and starts the certificates worker.
2. Produces one check-in event per registration straight to the attendance topic, as fast as one
   producer sends, and waits for the last certificate: the time to the Nth certificate, and the
   latency of each (event sent -> certificate committed), p50 and p99.
3. Baseline: a bare consumer (same consumer settings, one SQLite insert per event in its own
   transaction) over the same burst on its own topic.
4. PDFs rendered per second in this one process (one core), against a minimal one-page PDF
   (Helvetica, one line) drawn by the same library; measured first, before anything else runs.
"""
from __future__ import annotations

import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

from kafka import KafkaProducer
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import func, insert, select

from certificates import projection
from certificates.printing import Certificate, render
from certificates.tables import certificates, registrations
from forumops_shared import topics
from forumops_shared.db import as_utc, make_engine, readonly, write_transaction
from forumops_shared.events import decode_event, encode_event, new_event
from forumops_shared.events.registry import FORUM_PUBLISHED, PARTICIPANT_CHECKED_IN
from forumops_shared.topic_admin import ensure_topics
from harness import BENCH, admin_client, arguments, percentile, service_env, start_broker, start_worker, wait_for_relay

SLUG = "bench"
TARGET_PDFS_PER_S = 100
BASELINE_PREFIX = "baseline."


def load_people(database_url: str, n: int) -> list[str]:
    """A published forum (on-site check-in earns the certificate) and `n` confirmed people."""
    engine = make_engine(database_url)
    now = datetime.now(timezone.utc)
    forum = {"slug": SLUG, "title": {"vi": "Diễn đàn đo tải chứng nhận", "en": "Certificates load forum"},
             "timezone": "Asia/Ho_Chi_Minh", "starts_at": now.isoformat(), "ends_at": (now + timedelta(hours=8)).isoformat(),
             "online_url": None, "languages": ["vi", "en"],
             "certificate_rule": {"onsite_checkin": True, "online_min_minutes": 30},
             "points": [{"code": "P000", "name": "Điểm cầu", "province": "Hà Nội", "capacity": n}],
             "ticket_keys": [], "published_at": now.isoformat()}
    people = [{"id": str(uuid.uuid4()), "forum": SLUG, "status": "confirmed", "attendance": "onsite", "point": "P000",
               "language": "vi", "full_name": f"Nguyễn Thị Ngọc Ánh {i}", "organisation": "Trường THPT Chu Văn An",
               "manage_token_hash": None, "erased": False, "updated_at": now} for i in range(n)]
    with write_transaction(engine) as conn:
        published = new_event(FORUM_PUBLISHED, SLUG, forum, source="/bench")
        projection.forum_published(conn, decode_event(encode_event(published), topic=published.topic))
        for i in range(0, n, 5000):
            conn.execute(insert(registrations), people[i:i + 5000])
    engine.dispose()
    return [p["id"] for p in people]


def burst(bootstrap: str, topic: str, people: list[str]) -> dict[str, float]:
    """One check-in event per person, sent as fast as one producer goes: when each was sent."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, enable_idempotence=True,
                             **admin_client())
    sent = {}
    for rid in people:
        now = datetime.now(timezone.utc)
        event = new_event(PARTICIPANT_CHECKED_IN, rid, {
            "checkin_id": str(uuid.uuid4()), "registration_id": rid, "forum": SLUG, "mode": "onsite", "point": "P000",
            "checked_in_at": now.isoformat(), "forced": False, "source": "scan"}, source="/bench")
        producer.send(topic, key=rid.encode(), value=encode_event(event),
                      headers=[("ce_id", event.id.encode()), ("ce_type", event.type.encode())])
        sent[rid] = now.timestamp()
    producer.flush()
    producer.close()
    return sent


def wait_for_certificates(database_url: str, n: int, limit_s: float = 900) -> None:
    engine, started = make_engine(database_url), time.monotonic()
    try:
        while time.monotonic() - started < limit_s:
            with readonly(engine).connect() as conn:
                if conn.execute(select(func.count()).select_from(certificates)).scalar() >= n:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"fewer than {n} certificates after {limit_s} s")
    finally:
        engine.dispose()


def issued_latencies(database_url: str, sent: dict[str, float]) -> tuple[float, list[float]]:
    """Seconds from the first event sent to the last certificate, and each certificate's latency."""
    engine = make_engine(database_url)
    with readonly(engine).connect() as conn:
        rows = conn.execute(select(certificates.c.registration_id, certificates.c.issued_at)).all()
    engine.dispose()
    issued = {r.registration_id: as_utc(r.issued_at).timestamp() for r in rows}
    return max(issued.values()) - min(sent.values()), sorted(issued[rid] - sent[rid] for rid in sent)


def admin_env() -> dict[str, str]:
    """The environment that makes load_settings' clients the broker's admin."""
    client = admin_client()
    if not client:
        return {}
    return {"KAFKA_SASL_USERNAME": client["sasl_plain_username"], "KAFKA_SASL_PASSWORD": client["sasl_plain_password"],
            "KAFKA_SASL_MECHANISM": client["sasl_mechanism"]}


def run_baseline(bootstrap: str, work: Path, people: list[str]) -> tuple[float, list[float]]:
    """The bare consumer over the same burst on its own topic: (seconds to the Nth insert, latencies)."""
    ensure_topics(bootstrap, prefix=BASELINE_PREFIX, client=admin_client())
    database = work / "baseline.db"
    consumer = subprocess.Popen([sys.executable, str(BENCH / "ceiling_consumer.py"), bootstrap,
                                 BASELINE_PREFIX + topics.ATTENDANCE, f"sqlite:///{database}", str(len(people))],
                                stdout=subprocess.PIPE, text=True, env={**os.environ, **admin_env()})
    assert consumer.stdout.readline().strip() == "ready"
    sent = burst(bootstrap, BASELINE_PREFIX + topics.ATTENDANCE, people)
    consumer.wait(timeout=900)
    engine = make_engine(f"sqlite:///{database}")
    with readonly(engine).connect() as conn:
        done = dict(conn.exec_driver_sql("SELECT id, at FROM seen").all())
    engine.dispose()
    return max(done.values()) - min(sent.values()), sorted(done[rid] - sent[rid] for rid in sent)


def pdfs_per_second(seconds: float) -> tuple[float, float]:
    """(certificates, minimal pages) rendered per second of this process's CPU time."""
    sample = Certificate(serial="7KQM-X4TR-9HWC", kind="attendance", language="vi",
                         forum_title="Diễn đàn Đổi mới sáng tạo trong Giáo dục Việt Nam 2026",
                         recipient_name="Nguyễn Thị Ngọc Ánh", organisation="Trường THPT Chuyên Lê Hồng Phong, Nam Định",
                         mode="onsite", category=None, starts_on=datetime.now(), ends_on=datetime.now(),
                         issued_on=datetime.now(), verify_url="https://chungnhan.example.vn/verify/7KQM-X4TR-9HWC")
    render(sample)  # fonts are read once per process

    def minimal(i: int) -> bytes:
        out = io.BytesIO()
        canvas = Canvas(out)
        canvas.setFont("Helvetica", 14)
        canvas.drawString(72, 720, f"Certificate {i}")
        canvas.showPage()
        canvas.save()
        return out.getvalue()

    def rate(draw) -> float:
        started, count = time.process_time(), 0
        while time.process_time() - started < seconds:
            draw(count)
            count += 1
        return count / (time.process_time() - started)

    full = rate(lambda i: render(Certificate(**{**sample.__dict__, "serial": f"7KQM-X4TR-{i:04d}",
                                                "recipient_name": f"Nguyễn Thị Ngọc Ánh {i}"})))
    return full, rate(minimal)


def measure(args) -> dict:
    pdfs, minimal = pdfs_per_second(args.pdf_seconds)  # first, on a machine at rest
    work = Path(tempfile.mkdtemp(prefix="forumops-bench-"))
    try:
        with ExitStack() as stack:
            bootstrap = start_broker(stack, work)
            env = service_env("certificates", bootstrap, work)
            people = load_people(env["CERTIFICATES_DATABASE_URL"], args.events)
            start_worker(stack, "certificates-worker", env)
            time.sleep(3)  # the worker joins its group before the burst
            sent = burst(bootstrap, topics.ATTENDANCE, people)
            produced_s = max(sent.values()) - min(sent.values())
            wait_for_certificates(env["CERTIFICATES_DATABASE_URL"], args.events)
            total_s, latencies = issued_latencies(env["CERTIFICATES_DATABASE_URL"], sent)
            published_s = total_s + wait_for_relay(env["CERTIFICATES_DATABASE_URL"])
            base_s, base_latencies = run_baseline(bootstrap, work, people)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"events": args.events, "produced_s": produced_s, "total_s": total_s, "latencies": latencies,
            "published_s": published_s, "base_s": base_s, "base_latencies": base_latencies,
            "ratio": base_s / total_s, "pdfs": pdfs, "minimal": minimal, "pdfs_meet": pdfs >= TARGET_PDFS_PER_S}


def main(argv: list[str] | None = None) -> None:
    args = arguments(__doc__, argv, events=10_000, **{"pdf-seconds": 10})
    report(measure(args))


def report(r: dict) -> None:
    n = r["events"]
    print(f"\ncertificates benchmark: {n} check-in events produced in {r['produced_s']:.2f} s by one producer, "
          f"SQLite, one worker\n")
    print(f"| {'run':<44} | {'to the last':>11} | {'events/s':>8} | {'p50 ms':>8} | {'p99 ms':>8} |")
    print(f"|{'-' * 46}|{'-' * 13}|{'-' * 10}|{'-' * 10}|{'-' * 10}|")
    for name, seconds, lat in (("check-in event -> certificate issued", r["total_s"], r["latencies"]),
                               ("baseline: bare consumer, 1 insert per event", r["base_s"], r["base_latencies"])):
        print(f"| {name:<44} | {seconds:>9.1f} s | {n / seconds:>8.0f} | {percentile(lat, 0.5) * 1000:>8.0f} | "
              f"{percentile(lat, 0.99) * 1000:>8.0f} |")
    print(f"\nratio to the bare consumer: {r['ratio']:.2f} (throughput); median latency "
          f"{statistics.median(r['latencies']):.1f} s; every certificate-issued event on the topic after "
          f"{r['published_s']:.1f} s")
    pdfs, minimal = r["pdfs"], r["minimal"]
    print(f"PDFs on one core: {pdfs:.0f}/s ({1000 / pdfs:.1f} ms each; target >= {TARGET_PDFS_PER_S}/s): "
          f"{'meets' if r['pdfs_meet'] else 'MISSES'} the target; a minimal one-line page: {minimal:.0f}/s "
          f"(ratio {pdfs / minimal:.2f})")


if __name__ == "__main__":
    main()
