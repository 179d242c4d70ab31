"""Accounts, passwords and API tokens."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

import sqlalchemy as sa
import zxcvbn
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from registry.audit.services import record
from registry.auth.models import ApiToken, PasswordReset, User
from registry.db import utcnow
from registry.extensions import db
from registry.messages import Template
from registry.problems import Conflict, InvalidInput, NotFound
from registry.roles import ADMIN, FILER, ROLES

PASSWORD_TOO_SHORT = Template("password_too_short", "Use at least %(min)s characters.")
PASSWORD_TOO_COMMON = Template("password_too_common", "This password is too common or easy to guess.")
PASSWORD_PERSONAL = Template("password_personal", "The password must not contain your e-mail address or name.")
UNKNOWN_ROLE = Template("unknown_role", "Must be one of: %(choices)s.")
FILER_NEEDS_ENTERPRISE = Template("filer_needs_enterprise", "A filer needs an enterprise.")
USER_EXISTS = Template("user_exists", "A user with e-mail %(email)s already exists.")
ALREADY_REGISTERED = Template("already_registered", "Already registered.")
CANNOT_DEACTIVATE_SELF = Template("cannot_deactivate_self", "You cannot deactivate your own account.")
WRONG_PASSWORD = Template("wrong_current_password", "The current password is not correct.")
NO_SUCH_TOKEN = Template("no_such_token", "No such token.")
LAST_ADMIN = Template("last_admin", "At least one active admin must remain: make another user an admin first.")
UNKNOWN_LOCALE = Template("unknown_locale", "Choose English, Chinese or the browser's language.")
RESET_LINK_INVALID = Template("password_reset_invalid",
                              "This link has expired or has already been used. Ask an administrator for a new one.")

TOKEN_PREFIX = "cr_"  # noqa: S105 - a marker, not a secret
RESET_LIFETIME = dt.timedelta(hours=24)
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)  # spare a write per request
MIN_PASSWORD_LENGTH = 10
MIN_PASSWORD_SCORE = 3  # zxcvbn 0-4; 3 resists an offline attack on a slow hash
MIN_PERSONAL_PART = 3  # shorter parts of a name or e-mail would refuse almost anything


def hash_password(password: str) -> str:
    """A salted scrypt hash (werkzeug); the method is configurable for tests."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _personal_parts(email: str, name: str) -> list[str]:
    """The e-mail, its local part and the whole name: what an attacker tries first."""
    email = email.strip().lower()
    parts = [email, email.partition("@")[0], name.strip().lower()]
    return [part for part in parts if len(part) >= MIN_PERSONAL_PART]


def check_password_strength(password: str, field: str = "password", *, email: str = "", name: str = "") -> None:
    """Refuse passwords too short, too common or built from the user's own e-mail or name.

    The one password policy: create_user and change_password (and so the CLI,
    the admin form and the account page) all come through here.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(field, PASSWORD_TOO_SHORT(min=MIN_PASSWORD_LENGTH))
    personal = _personal_parts(email, name)
    if any(part in password.lower() for part in personal):
        raise InvalidInput(field, PASSWORD_PERSONAL())
    if zxcvbn.zxcvbn(password, user_inputs=personal)["score"] < MIN_PASSWORD_SCORE:
        raise InvalidInput(field, PASSWORD_TOO_COMMON())


def create_user(
    email: str, role: str, password: str, *, enterprise=None, name: str = "", actor=None
) -> User:
    """A new user; filers belong to exactly one enterprise."""
    email = email.strip().lower()
    if role not in ROLES:
        raise InvalidInput("role", UNKNOWN_ROLE(choices=", ".join(ROLES)))
    if role == FILER and enterprise is None:
        raise InvalidInput("enterprise", FILER_NEEDS_ENTERPRISE())
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise Conflict(USER_EXISTS(email=email), errors={"email": [ALREADY_REGISTERED()]}, code="user_exists")
    check_password_strength(password, email=email, name=name)
    user = User(
        email=email, name=name, role=role, password_hash=hash_password(password),
        enterprise_id=enterprise.id if enterprise is not None and role == FILER else None,
    )
    db.session.add(user)
    db.session.flush()
    record(actor, "user", user.id, "create", after={"email": email, "role": role,
                                                     "enterprise_id": user.enterprise_id})
    return user


def set_user_role(user: User, role: str, actor, *, enterprise=None) -> User:
    """Give a user another role (and a filer its enterprise); every session and token of theirs ends.

    A demoted reviewer must not keep a browser or a script acting with the
    old rights' expectations, and a filer moved to another enterprise starts afresh.
    """
    if role not in ROLES:
        raise InvalidInput("role", UNKNOWN_ROLE(choices=", ".join(ROLES)))
    if role == FILER and enterprise is None:
        raise InvalidInput("enterprise", FILER_NEEDS_ENTERPRISE())
    enterprise_id = enterprise.id if role == FILER else None
    before = {"role": user.role, "enterprise_id": user.enterprise_id}
    if before == {"role": role, "enterprise_id": enterprise_id}:
        return user
    user.role, user.enterprise_id = role, enterprise_id
    end_sessions(user)
    _revoke_all_tokens(user)
    record(actor, "user", user.id, "change_role", before=before, after={"role": role, "enterprise_id": enterprise_id})
    return user


def set_user_active(user: User, active: bool, actor) -> User:
    """Deactivate or reactivate an account (admin); users are never deleted, the audit keeps them."""
    if actor is not None and actor.id == user.id and not active:
        raise Conflict(CANNOT_DEACTIVATE_SELF(), code="cannot_deactivate_self")
    if user.active != active:
        user.active = active
        end_sessions(user)
        if not active:
            _revoke_all_tokens(user)
        record(actor, "user", user.id, "activate" if active else "deactivate",
               before={"active": not active}, after={"active": active})
    return user


def end_sessions(user: User) -> None:
    """Invalidate every web session of the user: their cookies name the old version."""
    user.session_version += 1


def _revoke_all_tokens(user: User) -> None:
    """On deactivation, so that reactivating the account does not revive its tokens."""
    db.session.execute(sa.update(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow()))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        # Spend the same time as a real check so timing does not reveal e-mails.
        check_password_hash(_dummy_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


@functools.cache
def _dummy_hash() -> str:
    return hash_password("not-a-password")


def change_password(user: User, current: str, new: str) -> None:
    """Change a password after checking the current one; every session of the user ends.

    The caller signs the current session in again (with the new version) if it should stay.
    """
    if not check_password_hash(user.password_hash, current):
        raise InvalidInput("current_password", WRONG_PASSWORD())
    check_password_strength(new, "new_password", email=user.email, name=user.name)
    user.password_hash = hash_password(new)
    end_sessions(user)
    record(user, "user", user.id, "change_password")


def _digest(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough (no KDF needed).
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str = "", actor=None) -> tuple[ApiToken, str]:
    """A new API token; the plain value is returned once and never stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name[:200], token_hash=_digest(plain),
                     prefix=plain[:10])
    db.session.add(token)
    db.session.flush()
    record(actor or user, "api_token", token.id, "create", after={"user_id": user.id, "name": token.name})
    return token, plain


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(NO_SUCH_TOKEN())
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(user, "api_token", token.id, "revoke")
    return token


def user_tokens(user: User) -> list[ApiToken]:
    """The user's tokens, newest first."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    ))


def user_for_token(plain: str) -> tuple[User, int | None] | None:
    """The active user a bearer token belongs to, in one query; and the token's id when its use should be noted.

    ``last_used_at`` moves at most once a minute (``LAST_USED_RESOLUTION``);
    the caller notes it after the request (``note_token_use``), off its transaction.
    """
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 100:
        return None
    row = db.session.execute(
        sa.select(User, ApiToken.id, ApiToken.last_used_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == _digest(plain), ApiToken.revoked_at.is_(None), User.active.is_(True))
    ).first()
    if row is None:
        return None
    user, token_id, last = row
    stale = last is None or utcnow() - last > LAST_USED_RESOLUTION
    return user, token_id if stale else None


def note_token_use(token_id: int) -> None:
    """Set ``last_used_at`` on a short connection of its own, after the request's transaction has ended.

    Bookkeeping must neither hold up the request nor wait on it (on SQLite a
    writing request holds the database's write lock until it commits).
    """
    with db.engine.connect() as conn:
        try:
            conn.execute(sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow()))
            conn.commit()
        except sa.exc.OperationalError:  # SQLite busy: bookkeeping can wait for the next minute
            conn.rollback()


# Admin edits and password resets ------------------------------------------------------------------


def _other_active_admins(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.role == ADMIN, User.active.is_(True), User.id != user.id)) or 0


def update_user(user: User, actor, *, role: str, enterprise=None, locale: str | None, active: bool,
                languages: tuple[str, ...]) -> User:
    """An admin's edit of a user: role (and a filer's enterprise), language, active; each change audited.

    The last active admin can be neither demoted nor deactivated (the
    registry would have no one left to manage users); an admin cannot
    deactivate their own account.
    """
    if locale not in (None, *languages):
        raise InvalidInput("locale", UNKNOWN_LOCALE())
    if user.role == ADMIN and user.active and (role != ADMIN or not active) and not _other_active_admins(user):
        raise Conflict(LAST_ADMIN(), errors={"role" if role != ADMIN else "active": [LAST_ADMIN()]},
                       code="last_admin")
    set_user_role(user, role, actor, enterprise=enterprise)
    if user.locale != locale:
        record(actor, "user", user.id, "change_locale", before={"locale": user.locale}, after={"locale": locale})
        user.locale = locale
    set_user_active(user, active, actor)
    return user


def issue_password_reset(user: User, actor) -> tuple[PasswordReset, str]:
    """A one-time link's token for ``user`` (24 hours); earlier unused links stop working. Returned once."""
    now = utcnow()
    db.session.execute(sa.update(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None)).values(used_at=now))
    plain = secrets.token_urlsafe(32)
    reset = PasswordReset(user_id=user.id, token_hash=_digest(plain), created_by=getattr(actor, "id", None),
                          created_at=now, expires_at=now + RESET_LIFETIME)
    db.session.add(reset)
    db.session.flush()
    record(actor, "user", user.id, "issue_password_reset",
           after={"reset_id": reset.id, "expires_at": reset.expires_at.isoformat().replace("+00:00", "Z")})
    return reset, plain


def reset_for_token(plain: str) -> PasswordReset | None:
    """The unused, unexpired reset a link's token names, for an active user; else None."""
    if not plain or len(plain) > 100:
        return None
    reset = db.session.scalar(sa.select(PasswordReset).where(PasswordReset.token_hash == _digest(plain)))
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow() or not reset.user.active:
        return None
    return reset


def reset_password(plain: str, new: str) -> User:
    """Set a new password through a reset link: the link is spent and every session of the user ends."""
    reset = reset_for_token(plain)
    if reset is None:
        raise NotFound(RESET_LINK_INVALID())
    user = reset.user
    check_password_strength(new, "new_password", email=user.email, name=user.name)
    # Spent with a condition, so two requests racing with the same link cannot both use it.
    spent = db.session.execute(sa.update(PasswordReset).where(
        PasswordReset.id == reset.id, PasswordReset.used_at.is_(None)).values(used_at=utcnow()))
    if spent.rowcount != 1:
        raise NotFound(RESET_LINK_INVALID())
    user.password_hash = hash_password(new)
    end_sessions(user)
    record(user, "user", user.id, "reset_password", after={"reset_id": reset.id})
    return user
