"""A logging filter that masks phone numbers and ID numbers in every log line.

Complainants' identity must not leak through logs: an access log line carries the URL with its
query string (a search for a number, a link pasted with one), an error may quote a form value.
The filter rewrites the formatted message of each record: a mobile number keeps its first 3 and
last 4 digits (138****5678, as the screens show it), a landline its area code and last 2, an
18-character ID number (身份证号) its first 3 and last 2 characters. It is attached to the
werkzeug, gunicorn and app loggers and to the root logger's handlers (records of `hotline.*`
modules propagate there), by `install()` from `create_app`.
"""
from __future__ import annotations

import logging
import re

# Separators a number may carry in a log line: space, dash, a URL-encoded space (+, %20).
_SEP = r"(?:[\s\-+.]|%20)?"
_MOBILE = re.compile(rf"(?<![\dA-Za-z])(?:(?:\+|%2B)?86{_SEP})?(1[3-9]\d){_SEP}(\d{{4}}){_SEP}(\d{{4}})(?!\d)")
_LANDLINE = re.compile(rf"(?<![\dA-Za-z])(0\d{{2,3}}){_SEP}(\d{{5,6}})(\d{{2}})(?!\d)")
_ID_NUMBER = re.compile(r"(?<![\dA-Za-z])(\d{3})\d{13}(\d[\dXx])(?![\dA-Za-z])")
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "hotline", "flask.app")


def mask(text: str) -> str:
    """The text with every ID number and phone number masked."""
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}{'*' * 13}{m.group(2)}", text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}{'*' * len(m.group(2))}{m.group(3)}", text)


class MaskIdentity(logging.Filter):
    """Replace the record's message by its masked form (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let logging report it as it would
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:  # a traceback may quote a form value
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True


_FILTER = MaskIdentity()


def install(*extra_loggers: logging.Logger) -> None:
    """Attach the filter to the access, server and app loggers and to every handler they reach."""
    loggers = [logging.getLogger(name) for name in LOGGERS] + [logging.getLogger(), *extra_loggers]
    for logger in loggers:
        _add(logger)
        for handler in logger.handlers:
            _add(handler)


def _add(target: logging.Filterer) -> None:
    if _FILTER not in target.filters:
        target.addFilter(_FILTER)
