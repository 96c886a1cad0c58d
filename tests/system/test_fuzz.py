"""Schemathesis against each service's own OpenAPI document, on the running system: generated
requests, valid and invalid, must never get a 5xx and every answer must match the document.

Paths are given the identifiers of a real forum, point, registration, device and certificate, so
the generated calls reach the code behind the 404s. Hooks (fuzz_hooks.py) mix in what a generator
working from the document would not send: lone surrogates, nesting 20,000 deep, 1e400 and
5,000-digit integers, bidirectional, zero-width and control characters, point codes that are
paths (tests/support/malformed.py). The seed is fixed: a failure reproduces with the `st replay`
line schemathesis prints (and FORUMOPS_FUZZ_SEED picks another walk)."""
from __future__ import annotations

import os
import subprocess
from collections import Counter
import sys
from pathlib import Path

import pytest

from ..support.forums import check_in, enrol_device, new_forum, register
from ..support.system import ADMIN_TOKEN, SERVICES
from ..support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
SEED = os.environ.get("FORUMOPS_FUZZ_SEED", "20261123")
EXAMPLES = os.environ.get("FORUMOPS_FUZZ_EXAMPLES", "25")
EDGE_REASONS = ("malformed_json", "json_too_deep", "number_out_of_range", "invalid_characters")


@pytest.fixture(scope="module")
def known(system) -> dict[str, str]:
    """Identifiers of things that exist, for the generated paths."""
    slug = new_forum(system, points_per_province=1)
    person = register(system, slug, "Đinh Thị Mỹ Linh")
    device = enrol_device(system, slug)
    check_in(system, slug, "P00-00", device, person)

    def serial():
        answer = system.admin("GET", "certificates", f"/api/v1/registrations/{person['id']}/certificate")
        return answer.json()["serial"] if answer.status_code == 200 else None
    devices = system.admin("POST", "checkin", f"/api/v1/forums/{slug}/points/P01-00/devices", json={}).json()
    return {"slug": slug, "code": "P00-00", "registration_id": person["id"], "device_id": devices["device_id"],
            "serial": wait_until(serial, timeout_s=30, message="a certificate")}


@pytest.mark.parametrize("service", SERVICES)
def test_generated_requests_get_no_server_error_and_answers_match_the_document(system, known, service, tmp_path):
    config, tally = tmp_path / "schemathesis.toml", tmp_path / "answers.txt"
    config.write_text("[parameters]\n" + "".join(f'{name} = "{value}"\n' for name, value in known.items()))
    run = subprocess.run(
        [str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(config), "run",
         system.url(service, "/api/v1/openapi.json"),
         "--checks", "not_a_server_error,response_schema_conformance",
         "--phases", "examples,coverage,fuzzing", "--max-examples", EXAMPLES, "--seed", SEED, "--workers", "1",  # one: CPython 3.11.7 ast.parse is not thread-safe (hypothesis calls it)
         "--header", f"Authorization: Bearer {ADMIN_TOKEN}", "--request-timeout", "30", "--no-color"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,  # its cache stays out of the repository
        env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.system.fuzz_hooks", "FORUMOPS_FUZZ_TALLY": str(tally),
             "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))})
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "generated" in run.stdout
    answers = Counter(tally.read_text().splitlines())
    assert not [answer for answer in answers if answer.startswith("5")], answers
    # the malformed shapes reached the edge, and were refused there with their reasons
    assert {f"400 {reason}" for reason in EDGE_REASONS} <= set(answers), answers
