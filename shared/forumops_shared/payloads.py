"""Payloads the APIs take: strict marshmallow schemas (unknown fields refused, text cleaned) and
the fields every service uses for the same kind of value, so that one rule holds everywhere.

Loaded at the HTTP edge (http.json_body, after jsonbody.read_json) and by use cases that read
uploaded rows (CSV imports), so this module needs no Flask.
"""
from __future__ import annotations

import re

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from .moments import moment_problem
from .normalise import clean_text, text_problem

POINT_CODE_MAX = 64
_POINT_CODE = re.compile(rf"[A-Za-z0-9_-]{{1,{POINT_CODE_MAX}}}")


def point_code_problem(code: str) -> str | None:
    """Why `code` cannot name a connection point, or None. A code goes into addresses (a page, a
    scanner's link, `PUT /points/{code}`) and file names, so it stays plain."""
    if _POINT_CODE.fullmatch(code):
        return None
    return f"Letters A-Z, digits, '-' and '_', 1 to {POINT_CODE_MAX} characters."


class PointCode(fields.String):
    """A connection point's code (point_code_problem); the OpenAPI document shows its pattern."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.insert(0, validate.Regexp(rf"^{_POINT_CODE.pattern}$", error=point_code_problem("")))


class Text(fields.String):
    """Person-facing text on one line (a title, an organisation, a role): NFC and trimmed, with
    nothing a page or a PDF would show other than as written (normalise.text_problem)."""

    needs_letter = False

    def _deserialize(self, value, attr, data, **kwargs):
        text = clean_text(super()._deserialize(value, attr, data, **kwargs))
        if text is None:
            raise ValidationError("Must not be blank.")
        problem = text_problem(text, needs_letter=self.needs_letter)
        if problem:
            raise ValidationError(problem)
        return text


class LongText(Text):
    """Text of several lines (an announcement's body): line ends read as \n, and each line as
    Text reads one (blank lines between paragraphs kept)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = clean_text(fields.String._deserialize(self, value, attr, data, **kwargs)
                          .replace("\r\n", "\n").replace("\r", "\n"))
        if text is None:
            raise ValidationError("Must not be blank.")
        for line in filter(str.strip, text.split("\n")):
            problem = text_problem(line)
            if problem:
                raise ValidationError(problem)
        return text


class EmailAddress(fields.Email):
    """An address mail can go to: marshmallow's check, and ASCII throughout. A relay takes an
    address with accents (`nguyễn@…`) only over SMTPUTF8, which few offer; refused here, the person
    corrects it now rather than never hearing from the forum."""

    def _deserialize(self, value, attr, data, **kwargs):
        address = super()._deserialize(value, attr, data, **kwargs)
        if not address.isascii():
            raise ValidationError("Must be written without accents, e.g. nguyen.van.an@truong.edu.vn.")
        return address


class Name(Text):
    """A person's or a unit's name: Text with at least one visible letter."""

    needs_letter = True


class StrictInteger(fields.Integer):
    """A JSON integer: 1.5, "1" and true are refused, not read as 1. (CSV cells and query
    parameters are text: their schemas keep fields.Integer.)"""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


class StrictBoolean(fields.Boolean):
    """A JSON true or false: "true", 1 and "yes" are refused (consent must be given, not guessed)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class Moment(fields.AwareDateTime):
    """A date and time with its UTC offset, between 2000 and 2100 (moment_problem)."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        problem = moment_problem(moment)
        if problem:
            raise ValidationError(problem)
        return moment


class StrictSchema(Schema):
    """An HTTP payload: unknown fields refused; NUL refused in every string; the text fields
    (those named in `TEXT_FIELDS` and every Text field) cleaned (NFC, trimmed, empty is None)
    before validation."""

    TEXT_FIELDS: tuple[str, ...] = ()

    class Meta:
        unknown = RAISE

    @pre_load
    def _clean_text(self, data, **_kwargs):
        if not isinstance(data, dict):
            return data
        with_nul = [k for k, v in data.items() if _holds_nul(v)]
        if with_nul:  # PostgreSQL text cannot hold it; no person types it
            raise ValidationError({k: ["Must not contain the NUL character."] for k in with_nul})
        return {k: clean_text(v) if self._is_text(k) and isinstance(v, str) else v for k, v in data.items()}

    def _is_text(self, name) -> bool:
        return name in self.TEXT_FIELDS or isinstance(self.fields.get(name), Text)


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False
