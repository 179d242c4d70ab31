"""Messages with a stable code and their figures, rendered in the reader's language.

A service never writes a sentence: it names a ``Template`` (a code and an
English msgid with ``%(figure)s`` placeholders, extracted into the one
gettext catalogue) and the figures. The API renders the message in the
request's language, a page in the page's, each figure through
``registry.formatting``. ``str()`` of a message is its English text, for
logs and the command line.

Templates are ``str`` subclasses so marshmallow and webargs can carry them
where they expect text: their ``format(**figures)`` makes a ``Message``.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from flask import has_app_context
from flask_babel import force_locale, gettext

from registry import formatting

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
CATALOGUE: dict[str, Template] = {}  # every template by code, for tests and translators


class UnmarkedMessage(UserWarning):
    """Plain text reached a surface where only coded messages belong (an error under pytest)."""


def _english(msgid: str, figures: dict[str, Any]) -> str:
    """The message in English, figures formatted as an English page shows them (plain outside an app)."""
    if not figures:
        return msgid
    if not has_app_context():
        return msgid % {name: f"{value:,}" if type(value) is int else str(value) for name, value in figures.items()}
    with force_locale("en"):
        return msgid % {name: formatting.figure(name, value) for name, value in figures.items()}


class Message(str):
    """A coded message with its figures; ``render()`` gives it in the current language."""

    code: str
    msgid: str
    figures: dict[str, Any]

    def __new__(cls, code: str, msgid: str, figures: dict[str, Any] | None = None) -> Message:
        figures = dict(figures or {})
        names = PLACEHOLDER.findall(msgid)
        missing = [name for name in names if name not in figures]
        if missing:
            raise TypeError(f"message {code!r} needs the figures {', '.join(missing)}")
        obj = super().__new__(cls, _english(msgid, {name: figures[name] for name in names}))
        obj.code, obj.msgid, obj.figures = code, msgid, figures
        return obj

    def render(self) -> str:
        """The message in the current locale, each figure formatted by its name."""
        names = PLACEHOLDER.findall(self.msgid)
        values = {name: formatting.figure(name, self.figures[name]) for name in names}
        return gettext(self.msgid, **values) if values else gettext(self.msgid)

    def __reduce__(self):
        return (Message, (self.code, self.msgid, self.figures))


class Template(Message):
    """A message before its figures are known: ``TEMPLATE(**figures)`` or ``.format(**figures)``."""

    def __new__(cls, code: str, msgid: str) -> Template:
        if code in CATALOGUE and CATALOGUE[code].msgid != msgid:
            raise ValueError(f"message code {code!r} is used for two texts")
        obj = str.__new__(cls, msgid)
        obj.code, obj.msgid, obj.figures = code, msgid, {}
        CATALOGUE[code] = obj
        return obj

    @property
    def names(self) -> list[str]:
        """The figures this template needs."""
        return PLACEHOLDER.findall(self.msgid)

    def __call__(self, **figures: Any) -> Message:
        return Message(self.code, self.msgid, {name: value for name, value in figures.items() if name in self.names})

    def format(self, *args: Any, **figures: Any) -> Message:
        """Marshmallow formats its messages with ``str.format``: give it a coded message."""
        return self(**figures)

    def render(self) -> str:
        return Message(self.code, self.msgid, {name: "" for name in self.names}).render()

    def __reduce__(self):
        return (Template, (self.code, self.msgid))


def localize(message: Any) -> str:
    """A message for the reader: rendered when coded; plain text passes, with a warning."""
    if isinstance(message, Message):
        return message.render() if has_app_context() else str(message)
    warnings.warn(UnmarkedMessage(f"plain text where a coded message belongs: {message!r}"), stacklevel=2)
    return str(message)


def localize_errors(errors: dict[str, list[Any]] | None) -> dict[str, list[str]]:
    """A field-to-messages mapping with every message rendered."""
    return {field: [localize(m) for m in messages] for field, messages in (errors or {}).items()}
