"""The decision's email: after the results are published (or corrected), what they mean for one
application — among the winners, in which category, or not this time; written when it goes out
from the publication it names, in the application's language (services/results.py queues it)."""
from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.engine import Connection

from forumops_shared.config import ServiceSettings
from forumops_shared.mail import Mail

from ..tables import applications, programmes
from .results import outcome

_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent.parent / "templates" / "mail"),
                         autoescape=select_autoescape(["html"]), keep_trailing_newline=True)
SUBJECTS = {"won": {"vi": "Chúc mừng: hồ sơ được vinh danh tại {programme}", "en": "Congratulations: your application is honoured at {programme}"},
            "not": {"vi": "Kết quả {programme}", "en": "Results of {programme}"},
            "removed": {"vi": "Đính chính kết quả {programme}", "en": "Correction to the results of {programme}"}}


def render(conn: Connection, params: dict, settings: ServiceSettings) -> Mail | None:
    row = conn.execute(select(applications).where(applications.c.id == params["application_id"])).first()
    if row is None or row.status == "withdrawn":
        return None
    programme = conn.execute(select(programmes).where(programmes.c.id == row.programme_id)).one()
    version = params["version"]
    won = outcome(conn, programme.id, row.id, version)
    if won is False:
        return None  # no such publication: nothing to say
    before = outcome(conn, programme.id, row.id, version - 1) if version > 1 else None
    state = "won" if won else ("removed" if before else "not")
    lang = row.language if row.language in ("vi", "en") else "vi"
    titles = json.loads(programme.titles)
    names = {c["code"]: c["name"] for c in json.loads(programme.categories)}
    values = {"lang": lang, "state": state, "name": row.applicant_name, "title": row.title,
              "programme": titles.get(lang) or titles.get("vi"), "corrected": version > 1,
              "category": (names.get(won) or {}).get(lang) if won else None,
              "results": f"{settings.urls['awards']}/programmes/{programme.slug}/results"}
    return Mail(to=row.email, to_name=row.applicant_name,
                subject=SUBJECTS[state][lang].format(programme=values["programme"]),
                text=_TEMPLATES.get_template("decision.txt").render(values),
                html=_TEMPLATES.get_template("decision.html").render(values))
