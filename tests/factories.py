"""Test data built through the services, so it obeys the same rules as real use.

Each call runs in its own app context and commits; it returns a plain
namespace of the row's values (ORM objects would be detached).
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from registry.auth.models import User
from registry.auth.services import create_token, create_user
from registry.caps.services import create_cap
from registry.extensions import db
from registry.filings import workflow
from registry.filings.models import AWAITING, Filing
from registry.filings.services import create_filing
from registry.members.services import create_enterprise, create_smelter
from registry.reference.uscc import make_uscc
from tests.proof import prove_replacement

PASSWORD = "correct-horse-battery"


def _values(obj) -> SimpleNamespace:
    return SimpleNamespace(**{c.key: getattr(obj, c.key) for c in sa.inspect(obj).mapper.column_attrs})


class Factory:
    def __init__(self, app) -> None:
        self.app = app
        self._seq = itertools.count(1)
        self._admin_id: int | None = None
        self._second_id: int | None = None

    def _user(self, user_id: int) -> User:
        return db.session.get(User, user_id)

    def _admin(self) -> User:
        if self._admin_id is None:
            self._admin_id = self.user("admin").id
        return self._user(self._admin_id)

    def _second(self) -> User:
        """The second admin (see ``filing``), for the other pair of eyes on large approvals."""
        return self._user(self._second_id)

    def enterprise(self, **overrides: Any) -> SimpleNamespace:
        n = next(self._seq)
        data = {"uscc": make_uscc(f"91410000MA{n:07d}"), "name": f"测试铝业{n}有限公司",
                "name_en": f"Test Aluminium {n}", "province": "41", "active": True, **overrides}
        with self.app.app_context():
            enterprise = create_enterprise(data, self._admin())
            db.session.commit()
            return _values(enterprise)

    def smelter(self, enterprise, **overrides: Any) -> SimpleNamespace:
        n = next(self._seq)
        data = {"enterprise_id": enterprise.id, "name": f"Smelter {n}", "province": enterprise.province,
                "baseline_month": "2016-01", "baseline_built_tpa": 500_000,
                "baseline_operating_tpa": 300_000, "cell_amperage_ka": 400, "power_source": "grid",
                **overrides}
        with self.app.app_context():
            smelter = create_smelter(data, self._admin())
            db.session.commit()
            return _values(smelter)

    def user(self, role: str, enterprise=None, **overrides: Any) -> SimpleNamespace:
        n = next(self._seq)
        email = overrides.pop("email", f"{role}{n}@test.example")
        password = overrides.pop("password", PASSWORD)
        with self.app.app_context():
            ent = None
            if enterprise is not None:
                from registry.members.models import Enterprise

                ent = db.session.get(Enterprise, enterprise.id)
            user = create_user(email, role, password, enterprise=ent, **overrides)
            db.session.commit()
            out = _values(user)
            out.password = password
            return out

    def token(self, user) -> str:
        with self.app.app_context():
            _, plain = create_token(self._user(user.id))
            db.session.commit()
            return plain

    def filing(self, smelter, filer, kind: str = "restart", capacity_tpa: int = 100_000,
               effective_month: str = "2016-11", status: str = "draft", reviewer=None, proof: bool = True,
               **extra: Any) -> SimpleNamespace:
        """A filing taken through the workflow to ``status`` (two approvers from the four-eyes threshold).

        New capacity past the draft comes with the proof an approval needs (notice, announcement,
        dismantling: ``tests/proof.py``) unless ``proof=False``.
        """
        if (status == "approved" and reviewer is None and self._second_id is None
                and capacity_tpa >= self.app.config["FOUR_EYES_THRESHOLD_TPA"]):
            if self._admin_id is None:
                self._admin_id = self.user("admin").id
            self._second_id = self.user("admin").id  # made before the filing's transaction holds the lock
        with self.app.app_context():
            author = self._user(filer.id)
            filing = create_filing({"smelter_id": smelter.id, "kind": kind, "capacity_tpa": capacity_tpa,
                                    "effective_month": effective_month, **extra}, author)
            db.session.commit()
            filing_id = filing.id
            if proof and kind == "new_capacity" and status not in ("draft", "withdrawn"):
                prove_replacement(filing_id, self._admin())
            if status == "withdrawn":
                workflow.transition(filing_id, "withdraw", author)
            elif status != "draft":
                workflow.transition(filing_id, "submit", author)
                decider = self._user(reviewer.id) if reviewer is not None else self._admin()
                action = {"approved": "approve", "rejected": "reject", "returned": "return"}.get(status)
                if action:
                    workflow.transition(filing_id, action, decider, "noted")
                if status == "approved" and db.session.get(Filing, filing_id).status == AWAITING:
                    if self._second_id is None or decider.id == self._second_id:
                        raise AssertionError("four eyes: give a reviewer below the threshold, or none")
                    workflow.transition(filing_id, "approve", self._second(), "noted")  # four eyes
            db.session.commit()
            return _values(db.session.get(Filing, filing_id))

    def cap(self, **overrides: Any) -> SimpleNamespace:
        data = {"name": f"Cap {next(self._seq)}", "scope": "national", "scope_ref": None,
                "basis": "operating_capacity", "limit_tpa": 10_000_000, "period_from": "2016-01",
                "period_to": "2017-12", "source": "test", **overrides}
        with self.app.app_context():
            cap = create_cap(data, self._admin())
            db.session.commit()
            return _values(cap)

    def world(self) -> SimpleNamespace:
        """Two enterprises with a smelter each and one user of each role."""
        ent_a = self.enterprise(province="41")
        ent_b = self.enterprise(province="65")
        return SimpleNamespace(
            ent_a=ent_a, ent_b=ent_b,
            smelter_a=self.smelter(ent_a), smelter_b=self.smelter(ent_b),
            admin=self.user("admin"), reviewer=self.user("reviewer"), auditor=self.user("auditor"),
            filer_a=self.user("filer", ent_a), filer_b=self.user("filer", ent_b),
        )
