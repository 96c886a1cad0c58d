"""Hypothesis strategies for what an outside tester sends and a generator from the OpenAPI document
does not: lone surrogates, nesting far past any payload, numbers no column holds, bidirectional,
zero-width and control characters, invisible names, point codes that are paths. Used by the
schemathesis run on the live system (tests/system/fuzz_hooks.py) and by the fast tier."""
from __future__ import annotations

from hypothesis import strategies as st

ODD_TEXT = st.sampled_from([
    "\ud800", "Nguyễn\udc00 Văn Anh", "\udfff\ud800",                # lone surrogates (escaped by json.dumps)
    "\u202eNguyễn Văn Anh", "Nguyễn \u2067Văn\u2069 Anh", "\u200fAnh\u061c", "\u200e",   # bidirectional controls
    "\u200b\u200c\u200d", "Nguyễn\u2060Văn", "\ufeffAnh",              # zero-width
    "\u3164\u3164", "\u115f", "\u2800", "\u0301\u0301",                # invisible letters, marks alone
    "Anh\x00", "Anh\x07\x1b[31m", "Nguyễn\r\nVăn", "\u2028", "\x7f",   # control characters
    "A/B", "../x", "..", "x" * 500, "%2F", "HN 01", "Hà-Nội",           # point codes outside the rule
    "", " ", "\U0001F600" * 50, "Nguyễn Văn Anh",
])

# Infinity and NaN cannot go through json.dumps as requests calls it: they are in RAW_BODIES.
ODD_NUMBER = st.sampled_from([1.5, 0.5, -1, 2**63, -(2**63) - 1, 10**4000, 1e308, True, "1", "true"])

# For paths and query strings: a URL cannot carry a lone surrogate at all (not even to be refused).
ODD_WORDS = ODD_TEXT.filter(lambda text: not any("\ud800" <= c <= "\udfff" for c in text))


def nested(depth: int, leaf: object = 1) -> object:
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


RAW_BODIES = st.sampled_from([  # bytes go out as they are
    b"[" * 20_000 + b"]" * 20_000,
    b'{"a":' * 12_000 + b"1" + b"}" * 12_000,
    b'{"full_name": 1e400, "capacity": 1e400}',
    b'{"capacity": ' + b"9" * 5000 + b"}",
    b'{"consent": NaN, "capacity": -Infinity}',
    b'{"full_name": "Nguy\xe1\xbb n \xff"}',
    b'{"full_name": "\xed\xa0\x80"}',
    '{"full_name": "Anh"}'.encode("utf-16"),
    b'{"full_name": "\\ud800", "\\udfff": 1}',
    b'"\\ud800"',
    b'{"full_name": ',
    b"",
    b"\x00\x00\x00",
])

ODD_VALUE = st.one_of(ODD_TEXT, ODD_NUMBER, st.sampled_from([40, 100, 500]).map(nested))
# A whole body may go out as text (a CSV upload), always UTF-8: no lone surrogate at the top.
ODD_WHOLE = st.one_of(ODD_WORDS, ODD_NUMBER, st.sampled_from([40, 100, 500]).map(nested))


@st.composite
def malformed_body(draw, body: object, raw: bool = True) -> object:
    """`body` with one of its values (or a key, or itself) replaced by an odd one, or raw bytes."""
    how = draw(st.sampled_from(["value", "key", "nested value", "whole", "raw"] if raw else ["value", "key", "whole"]))
    if how == "raw":
        return draw(RAW_BODIES)
    if how == "whole" or not isinstance(body, dict) or not body:
        return draw(ODD_WHOLE)
    changed = dict(body)
    name = draw(st.sampled_from(sorted(changed)))
    if how == "key":
        changed[draw(ODD_TEXT)] = changed.pop(name)
    elif how == "nested value" and isinstance(changed[name], dict) and changed[name]:
        inner = dict(changed[name])
        inner[draw(st.sampled_from(sorted(inner)))] = draw(ODD_VALUE)
        changed[name] = inner
    elif how == "nested value" and isinstance(changed[name], list) and changed[name]:
        changed[name] = [draw(malformed_body(item, raw=False)) if isinstance(item, dict) else draw(ODD_VALUE)
                         for item in changed[name][:3]]
    else:
        changed[name] = draw(ODD_VALUE)
    return changed


def maybe_malformed(body: object) -> st.SearchStrategy:
    """As generated, or malformed: the run keeps reaching the code behind valid bodies too. A text
    body (a CSV) gets odd rows: it is sent as UTF-8, which cannot carry a lone surrogate."""
    if isinstance(body, str):
        return st.one_of(st.just(body), st.tuples(ODD_WORDS, ODD_WORDS).map(lambda row: f"{body}\n{row[0]},{row[1]},x,1.5\n"))
    # Raw bytes also on their own: every run reaches each refusal of the edge, whatever walk the
    # generator takes through a document (a field added to one schema once left a run without a
    # number out of range).
    return st.one_of(st.just(body), malformed_body(body), malformed_body(body), RAW_BODIES)
