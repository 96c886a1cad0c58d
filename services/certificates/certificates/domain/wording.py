"""What a certificate says, in the holder's language: pure, no PDF, Flask or SQL.

Names, organisations, titles and categories are printed exactly as given (NFC); only the
surrounding words and the dates are ours. Dates are the forum's, in the forum's timezone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")


@dataclass(frozen=True)
class Certificate:
    """Everything printed on one certificate."""

    serial: str
    kind: str  # attendance | award
    language: str  # vi | en
    forum_title: str
    recipient_name: str
    organisation: str | None
    mode: str | None  # onsite | online, for attendance
    category: str | None  # for awards
    starts_on: datetime  # local to the forum
    ends_on: datetime
    issued_on: date  # the forum's day (forum_day)
    verify_url: str
    # Under the hours rule: the titles of the sessions attended, in its language, and the total.
    sessions: tuple[str, ...] = ()
    hours: Decimal | None = None


@dataclass(frozen=True)
class Lines:
    heading: str
    category: str | None  # an award's title, under the heading
    lead: str  # before the name
    deed: str  # after the name and organisation: what they did, where
    when: str
    serial: str
    issued: str
    verify: str
    hours: str | None = None  # the total attended, under the hours rule
    sessions_label: str | None = None  # before the list of sessions attended


def lines_of(cert: Certificate) -> Lines:
    vi = cert.language != "en"
    when = _span_vi(cert.starts_on, cert.ends_on) if vi else _span_en(cert.starts_on, cert.ends_on)
    if cert.kind == "award":
        deed = f"tại {cert.forum_title}" if vi else f"at {cert.forum_title}"
    elif vi:
        deed = f"đã tham dự {'trực tuyến' if cert.mode == 'online' else 'trực tiếp'} {cert.forum_title}"
    else:
        deed = f"attended {cert.forum_title} {'online' if cert.mode == 'online' else 'in person'}"
    return Lines(
        heading="GIẤY CHỨNG NHẬN" if vi else ("AWARD CERTIFICATE" if cert.kind == "award" else "CERTIFICATE OF ATTENDANCE"),
        category=cert.category if cert.kind == "award" else None,
        lead=("Trao tặng" if cert.kind == "award" else "Chứng nhận") if vi else (
            "Presented to" if cert.kind == "award" else "This is to certify that"),
        deed=deed, when=when,
        serial=f"Số hiệu: {cert.serial}" if vi else f"Serial: {cert.serial}",
        issued=("Ngày cấp: " if vi else "Issued: ") + day_in(cert.language, cert.issued_on),
        verify="Kiểm tra tính xác thực:" if vi else "Verify this certificate:",
        hours=None if cert.hours is None else (
            "Tổng thời lượng tham dự: " if vi else "Total time attended: ") + hours_in(cert.language, cert.hours),
        sessions_label=None if not cert.sessions else ("Các phiên đã tham dự:" if vi else "Sessions attended:"))


def hours_in(language: str, hours: Decimal) -> str:
    """A number of hours as the holder's language writes it: 7,5 giờ; 7.5 hours, 1 hour."""
    figure = f"{hours:f}"
    if language == "en":
        return f"{figure} hour" if hours == 1 else f"{figure} hours"
    return f"{figure.replace('.', ',')} giờ"


def forum_day(instant: datetime, zone: str | None) -> date:
    """The calendar day `instant` falls on where the forum is held (UTC while its timezone is not
    known yet): the one date a certificate shows, on the page, in its document and on paper."""
    return instant.astimezone(ZoneInfo(zone) if zone else timezone.utc).date()


def day_in(language: str, day: date) -> str:
    """A date as the holder's language writes it: 10/12/2026, or 10 December 2026."""
    return _day_en(day) if language == "en" else f"{day:%d/%m/%Y}"


def _span_vi(start: datetime, end: datetime) -> str:
    if start.date() == end.date():
        return f"ngày {start.day:02d} tháng {start.month:02d} năm {start.year}"
    return f"từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def _span_en(start: datetime, end: datetime) -> str:
    if start.date() == end.date():
        return f"on {_day_en(start)}"
    return f"from {_day_en(start)} to {_day_en(end)}"


def _day_en(day: date) -> str:
    return f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}"
