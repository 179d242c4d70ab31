"""A notice as an e-mail in its recipient's language, sent over SMTP (Flask-Mailman)."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_mailman import EmailMessage

from registry.messages import Template
from registry.notify.services import Notice

GREETING = Template("mail_greeting", "Hello %(name)s,")
FOOTER = Template("mail_footer", "An automatic message from the Capacity Registry; replies are not read.")


def language(notice: Notice) -> str:
    """The recipient's language; one who never chose reads the registry's default (English)."""
    if notice.locale in current_app.config["LANGUAGES"]:
        return notice.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def render(notice: Notice) -> tuple[str, str]:
    """Subject and plain-text body, in the recipient's language, with links to the registry's pages."""
    base = current_app.config["REGISTRY_BASE_URL"]
    with force_locale(language(notice)):
        subject = notice.subject.render()
        paragraphs = [GREETING(name=notice.name or notice.email).render()]
        for line, following in zip(notice.lines, (*notice.lines[1:], None), strict=True):
            text = line.message.render()
            shared = following is not None and following.href == line.href  # one link under a month's lines
            paragraphs.append(f"{text}\n{base}{line.href}" if line.href and not shared else text)
        paragraphs.append("-- \n" + FOOTER().render())
    return subject, "\n\n".join(paragraphs) + "\n"


def compose(notice: Notice) -> EmailMessage:
    """The e-mail; its ``send()`` opens a connection of its own and raises ``SMTPException`` or ``OSError``."""
    subject, body = render(notice)
    return EmailMessage(subject, body, current_app.config["MAIL_DEFAULT_SENDER"], [notice.email],
                        headers={"Auto-Submitted": "auto-generated"})  # RFC 3834: no auto-replies
