"""Schemathesis hooks (SCHEMATHESIS_HOOKS=tests.system.fuzz_hooks): the generated bodies, paths
and query strings, and also the malformed shapes of tests/support/malformed.py, which a
generator working from the OpenAPI document would not think of."""
from __future__ import annotations

import os

import schemathesis
from hypothesis import strategies as st

from tests.support.malformed import ODD_WORDS, maybe_malformed


@schemathesis.hook
def flatmap_body(context, body):
    types = context.operation.get_request_payload_content_types() if context.operation else []
    if any(t.startswith("multipart/") for t in types):
        return st.just(body)  # its fields go out as text parts, which cannot carry a lone surrogate
    return maybe_malformed(body)


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    if not path_parameters:
        return st.just(path_parameters)
    odd = st.fixed_dictionaries({name: st.one_of(st.just(value), ODD_WORDS) for name, value in path_parameters.items()})
    return st.one_of(st.just(path_parameters), odd)


@schemathesis.hook
def flatmap_query(context, query):
    if not query:
        return st.just(query)
    odd = st.fixed_dictionaries({name: st.one_of(st.just(value), ODD_WORDS) for name, value in query.items()})
    return st.one_of(st.just(query), odd)


@schemathesis.hook
def after_call(context, case, response):
    """Each answer's status and reason, one a line, in $FORUMOPS_FUZZ_TALLY: the test reads which
    refusals the run reached."""
    tally = os.environ.get("FORUMOPS_FUZZ_TALLY")
    if not tally:
        return
    try:
        reason = response.json().get("reason")
    except Exception:  # noqa: BLE001 - not JSON (a PDF, a page) or not an object
        reason = None
    with open(tally, "a", encoding="utf-8") as out:
        out.write(f"{response.status_code} {reason}\n")
