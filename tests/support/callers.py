"""Walking every authenticated route of a service's OpenAPI document with the wrong callers: the
same refusal must get the same status everywhere (http.refuse_caller's rule)."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # filled in
    caller: str  # who may call it, as the document names them ("admin", "holder", "device", ...)


def authenticated_calls(routes, ids: dict[str, str]) -> list[Call]:
    """Every route with a caller, its path parameters filled from `ids`."""
    return [Call(r.method.upper(), re.sub(r"{(\w+)}", lambda m: ids[m.group(1)], r.path), r.caller)
            for r in routes if r.caller]


def refusals(client, calls: list[Call], tokens: dict[str, str | None], bodies: dict[str, dict] | None = None
             ) -> dict[tuple[str, str, str], tuple[int, str]]:
    """(method, path, token name) -> (status, reason) for each call with each token; a call is
    sent with its body from `bodies` (by path suffix), so that the body is never what is refused."""
    answers = {}
    for call in calls:
        body = next((b for suffix, b in (bodies or {}).items() if call.path.endswith(suffix)), None)
        for name, token in tokens.items():
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            answer = client.open(call.path, method=call.method, headers=headers, json=body)
            answers[(call.method, call.path, name)] = (answer.status_code, answer.json.get("reason"))
    return answers


def mismatches(answers: dict, expected: dict[str, tuple[int, str]]) -> list[str]:
    """The answers that are not what the token's kind must get."""
    return [f"{method} {path} with {name}: {got}, not {expected[name]}"
            for (method, path, name), got in answers.items() if got != expected[name]]
