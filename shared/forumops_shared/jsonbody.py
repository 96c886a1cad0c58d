"""Reading a JSON request body: any bytes in, a JSON value every later step can keep, or a refusal.

Python's json module takes more than the services can use: lone surrogates (`"\\ud800"`) that no
database, broker or answer can encode, nesting that exhausts the recursion limit, 1e400 (read
as infinity), NaN, integers too long to convert. Each is refused here, before any schema sees
the value, with one of the reasons below (all 400: the body itself is unusable, whatever the
endpoint). No Flask here: http.json_body calls it.
"""
from __future__ import annotations

import json
import math
import re

from .refusals import Refusal

MAX_DEPTH = 32              # objects and arrays inside each other; our deepest payload has 3
MAX_INTEGER = 2**63 - 1     # what a database column can hold
_SURROGATE = re.compile("[\ud800-\udfff]")
# Only a \u escape makes a surrogate (UTF-8 cannot carry one): without such an escape in the
# text there is nothing to look for in the value (a batch of 10,000 scans is not walked).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def read_json(raw: bytes) -> object:
    """The JSON value of `raw` (UTF-8, a BOM tolerated as RFC 8259 allows)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Refusal("malformed_json", {"_body": [f"Not UTF-8 (byte {exc.start})."]}) from exc
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_int=_bounded_int, parse_float=_finite_float)
    except RecursionError as exc:
        raise _too_deep() from exc
    except _NumberOutOfRange as exc:
        raise Refusal("number_out_of_range", {"_body": [str(exc)]}) from exc
    except ValueError as exc:  # JSONDecodeError, and NaN / Infinity (_no_constant)
        raise Refusal("malformed_json", {"_body": [_described(exc)]}) from exc
    _check_depth(value)
    if _SURROGATE_ESCAPE.search(text):
        _check_strings(value)
    return value


class _NumberOutOfRange(ValueError):
    pass


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number.")


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > 19 or abs(int(digits)) > MAX_INTEGER:
        raise _NumberOutOfRange(f"Integers must lie within ±{MAX_INTEGER}.")
    return int(digits)


def _finite_float(digits: str) -> float:
    number = float(digits)
    if not math.isfinite(number):
        raise _NumberOutOfRange("A number is too large to be read.")
    return number


def _check_depth(value: object) -> None:
    """Nothing nests deeper than MAX_DEPTH. Walked without recursion, containers only."""
    stack = [(value, 0)] if isinstance(value, (dict, list)) else []
    while stack:
        item, depth = stack.pop()
        if depth >= MAX_DEPTH:
            raise _too_deep()
        inner = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in inner if isinstance(child, (dict, list)))


def _check_strings(value: object) -> None:
    """No key or string holds a lone surrogate; one that does is named by its path
    (`recipients.3.name`). Walked without recursion."""
    stack = [(value, ())]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            _check_string(item, path)
        elif isinstance(item, (dict, list)):
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, inner in pairs:
                if isinstance(key, str):
                    _check_string(key, path)
                stack.append((inner, (*path, key)))


def _check_string(text: str, path: tuple) -> None:
    if _SURROGATE.search(text):
        where = ".".join(ascii(p)[1:-1] if isinstance(p, str) else str(p) for p in path) or "_body"
        raise Refusal("invalid_characters", {where: ["Holds a lone UTF-16 surrogate, which is not text."]})


def _too_deep() -> Refusal:
    return Refusal("json_too_deep", {"_body": [f"Objects and arrays nest at most {MAX_DEPTH} deep."]})


def _described(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"Not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
    return f"Not JSON: {exc}"
