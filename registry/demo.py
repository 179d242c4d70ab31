"""The illustrative demo data set: invented members, realistic provinces and sizes.

Everything goes through the services, so the demo obeys the same rules as
real use: filings are created by a filer, submitted, and decided by a
reviewer against the positions and caps.
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa

from registry import months
from registry.audit.services import record
from registry.auth.models import User
from registry.auth.services import create_user
from registry.capacity.positions import positions_by_month
from registry.caps.services import create_cap
from registry.evidence import services as evidence
from registry.extensions import db
from registry.filings import workflow
from registry.filings.services import create_filing
from registry.members.services import create_enterprise, create_smelter
from registry.problems import RuleBroken
from registry.reference.uscc import make_uscc
from registry.replacement.models import FilingReplacement, Indicator
from registry.replacement.services import transfer, update_indicator
from registry.returns.services import file_return

# (USCC first 17 characters, name, English name, province)
ENTERPRISES = (
    ("91410000MA40A1B2C", "中原铝业股份有限公司", "Zhongyuan Aluminium Co., Ltd.", "41"),
    ("91410300MA44D5E6F", "黄河铝电有限公司", "Yellow River Aluminium & Power Co., Ltd.", "41"),
    ("91370000MA3CG7H8J", "鲁北铝电集团有限公司", "Lubei Aluminium & Power Group", "37"),
    ("91650000MA77K9L0M", "天山能源铝业有限公司", "Tianshan Energy Aluminium Co., Ltd.", "65"),
    ("91652300MA78N1P2Q", "准东电解铝有限公司", "Zhundong Electrolytic Aluminium Co., Ltd.", "65"),
    ("91150000MA0R3T4U5", "草原铝业有限公司", "Grassland Aluminium Co., Ltd.", "15"),
    ("91530000MA6W7X8Y9", "滇池绿色铝业有限公司", "Dianchi Green Aluminium Co., Ltd.", "53"),
    ("91450000MA5A1B2C3", "桂西铝业有限公司", "Guixi Aluminium Co., Ltd.", "45"),
    ("91520000MA6D4E5F6", "黔中铝业有限公司", "Qianzhong Aluminium Co., Ltd.", "52"),
    ("91620000MA7G7H8J9", "陇原铝业有限公司", "Longyuan Aluminium Co., Ltd.", "62"),
)

# (enterprise index, name, province, built t/a, operating t/a, cell kA, power source)
SMELTERS = (
    (0, "巩义电解铝厂", "41", 450_000, 300_000, 400, "grid"),
    (0, "焦作电解铝厂", "41", 380_000, 200_000, 350, "grid"),
    (1, "三门峡铝电厂", "41", 600_000, 420_000, 500, "captive_coal"),
    (1, "洛阳新区铝厂", "41", 300_000, 300_000, 400, "grid"),
    (2, "滨州一期电解铝厂", "37", 1_200_000, 1_100_000, 500, "captive_coal"),
    (2, "滨州二期电解铝厂", "37", 900_000, 900_000, 400, "captive_coal"),  # 600 kA cells came only in 2017-18
    (3, "昌吉电解铝厂", "65", 800_000, 650_000, 500, "captive_coal"),
    (3, "石河子电解铝厂", "65", 600_000, 600_000, 400, "captive_coal"),
    (4, "准东五彩湾铝厂", "65", 1_000_000, 850_000, 500, "captive_coal"),
    (4, "吉木萨尔铝厂", "65", 500_000, 300_000, 400, "captive_coal"),
    (5, "包头电解铝厂", "15", 860_000, 700_000, 500, "captive_coal"),
    (5, "霍林郭勒铝厂", "15", 700_000, 600_000, 400, "captive_coal"),
    (6, "文山水电铝厂", "53", 500_000, 350_000, 500, "hydro"),
    (6, "鹤庆水电铝厂", "53", 420_000, 200_000, 500, "hydro"),
    (7, "百色电解铝厂", "45", 400_000, 300_000, 400, "grid"),
    (7, "来宾电解铝厂", "45", 350_000, 150_000, 350, "grid"),
    (8, "贵阳电解铝厂", "52", 430_000, 330_000, 400, "grid"),
    (8, "遵义电解铝厂", "52", 360_000, 180_000, 350, "hydro"),
    (9, "兰州连城铝厂", "62", 540_000, 400_000, 500, "grid"),
    (9, "嘉峪关电解铝厂", "62", 1_000_000, 800_000, 500, "captive_coal"),
)
BASELINE_MONTH = "2016-01"

# (smelter index, kind, t/a, effective month, final status, note); approved closures go
# first, since they create the replacement indicators that transfers and new capacity use.
FILINGS = (
    (5, "closure", 180_000, "2016-10", "approved", "关停上世纪九十年代的 180 kA 系列（已拆除）。"),
    (3, "closure", 60_000, "2016-10", "approved", "关停试验槽，置换指标拟出售。"),
    (0, "restart", 100_000, "2016-11", "approved", "铝价回升，二号系列复产。"),
    (1, "restart", 120_000, "2016-11", "approved", "闲置电解槽复产。"),
    (2, "restart", 150_000, "2016-11", "submitted", "三号系列复产。"),
    (4, "new_capacity", 180_000, "2016-12", "submitted", "新建 500 kA 系列，附产能置换方案。", True),
    (6, "restart", 150_000, "2016-11", "approved", "电力合同续签后复产。"),
    (8, "restart", 150_000, "2016-12", "returned", "二系列复产。"),
    (9, "restart", 200_000, "2017-01", "draft", "计划复产，待董事会批准。"),
    (10, "new_capacity", 200_000, "2017-03", "rejected", "扩建，未附产能置换指标。"),
    (11, "curtailment", 100_000, "2017-01", "approved", "采暖季减产。"),
    (12, "restart", 150_000, "2017-02", "submitted", "丰水期复产。"),
    (13, "closure", 120_000, "2016-12", "approved", "关停老旧 160 kA 电解槽。"),
    (15, "restart", 100_000, "2016-12", "withdrawn", "复产推迟。"),
    (16, "curtailment", 80_000, "2016-12", "approved", "因电价上调减产。"),
    (17, "closure", 60_000, "2017-02", "submitted", "关停老系列。"),
    (18, "restart", 140_000, "2016-11", "approved", "闲置产能复产。"),
    (19, "new_capacity", 250_000, "2017-06", "draft", "二期工程，500 kA 电解槽。"),
    (5, "curtailment", 150_000, "2017-01", "submitted", "检修减产。"),
    (3, "closure", 50_000, "2017-04", "returned", "关停试验槽。"),
    (19, "curtailment", 500_000, "2017-02", "awaiting", "自备电厂改造期间一系列停槽。"),
    (10, "new_capacity", 60_000, "2017-03", "submitted", "使用购入的河南指标扩建电解系列。", True),
    (11, "restart", 100_000, "2016-11", "approved", "铝价回升，闲置电解槽复产。"),
    (17, "restart", 180_000, "2016-12", "refused", "12月复产：电价谈妥。"),
)
PROVEN_PLAN = 5  # index in FILINGS: the Binzhou line goes through notice, objection, re-notice and announcement
# The story of the demo (``make run`` sets REGISTRY_TODAY=2016-12-15 and a surge threshold scaled to its
# 13 Mt/a industry): restarts surge in November 2016; the CNIA's self-discipline cap of 2 December holds
# each month's additions to 150,000 t/a, and the December restart at Zunyi is refused by it.
EXPIRED_BUYER = 5  # enterprise index whose bought indicator expired before its new capacity was decided

# Plans changed after approval: (index in FILINGS of the approved original, amendment fields, note)
AMENDMENTS = (
    (6, {"effective_month": "2017-03"}, "电力合同续签推迟到春季：复产延后。"),
    (14, {"cancel": True}, "与电网谈妥电价：不再减产。"),
)

# Indicator trades recorded by the association: (origin smelter index, buyer enterprise index, t/a, note)
TRANSFERS = (
    (3, 5, 60_000, "河南电解铝企业将置换指标出售给内蒙古企业。"),
)

DEMO_USERS = (
    # e-mail, password, role, enterprise index
    ("admin@registry.example", "potline-demo-2016", "admin", None),
    ("reviewer@registry.example", "anode-demo-2016", "reviewer", None),
    ("auditor@registry.example", "bauxite-demo-2016", "auditor", None),
    ("filer@zhongyuan.example", "cathode-demo-2016", "filer", 0),
    ("filer@lubei.example", "cathode-demo-2016", "filer", 2),
)
FILER_OF = {0: "filer@zhongyuan.example", 2: "filer@lubei.example"}
USER_NAMES = {"admin": "协会管理员", "reviewer": "王审核", "auditor": "赵审计", "filer": "企业填报人",
              "filer@zhongyuan.example": "李填报（中原铝业）", "filer@lubei.example": "张填报（鲁北铝电）"}

CAPS = (
    dict(name="全国电解铝建成产能上限", scope="national",
         basis="built_capacity", limit_tpa=16_000_000, period_from="2016-01", period_to="2020-12",
         source="国发〔2013〕41号；按4500万吨/年上限折算的示意份额"),
    dict(name="行业自律：月度新增与复产", scope="national",
         basis="monthly_additions", limit_tpa=150_000, period_from="2016-12", period_to="2017-12",
         source="中国有色金属工业协会电解铝行业自律倡议，2016年12月2日（示意）"),
    dict(name="新疆运行产能", scope="province", scope_ref="65",
         basis="operating_capacity", limit_tpa=2_600_000, period_from="2016-01", period_to="2018-12",
         source="新疆电解铝产能控制方案（示意）"),
)


def load_demo() -> bool:
    """Load the demo data set; False when it is already there."""
    if db.session.scalar(sa.select(User.id).where(User.email == DEMO_USERS[0][0])):
        return False
    admin = create_user(DEMO_USERS[0][0], "admin", DEMO_USERS[0][1], name=USER_NAMES["admin"])
    enterprises = [
        create_enterprise({"uscc": make_uscc(code), "name": name, "name_en": name_en,
                           "province": province, "active": True}, admin)
        for code, name, name_en, province in ENTERPRISES
    ]
    users = {DEMO_USERS[0][0]: admin}
    for email, password, role, index in DEMO_USERS[1:]:
        enterprise = enterprises[index] if index is not None else None
        users[email] = create_user(email, role, password, enterprise=enterprise,
                                   name=USER_NAMES.get(email, USER_NAMES[role]))
    smelters = [
        create_smelter({"enterprise_id": enterprises[e].id, "name": name, "province": province,
                        "baseline_month": BASELINE_MONTH, "baseline_built_tpa": built,
                        "baseline_operating_tpa": operating, "cell_amperage_ka": ka,
                        "power_source": power}, admin)
        for e, name, province, built, operating, ka, power in SMELTERS
    ]
    for cap in CAPS:
        create_cap(cap, admin)
    reviewer = users["reviewer@registry.example"]
    closures_first = sorted(FILINGS, key=lambda row: not (row[1] == "closure" and row[4] == "approved"))
    transfers_done = False
    originals = {}
    for index, kind, capacity, month, status, note, *covered in closures_first:
        if not transfers_done and not (kind == "closure" and status == "approved"):
            _record_transfers(smelters, enterprises, reviewer)
            transfers_done = True
        filer = _filer_for(smelters[index].enterprise_id, enterprises, users)
        data = {"smelter_id": smelters[index].id, "kind": kind, "capacity_tpa": capacity,
                "effective_month": month, "notes": note}
        if covered:
            data["replacements"] = _own_cover(smelters[index].enterprise_id, capacity)
        filing = create_filing(data, filer)
        if status == "draft":
            continue
        if status == "withdrawn":
            workflow.transition(filing.id, "withdraw", filer)
            continue
        workflow.transition(filing.id, "submit", filer)
        if status in ("approved", "awaiting"):  # awaiting: the first of four eyes only
            workflow.transition(filing.id, "approve", reviewer, "符合总量控制要求。")
        elif status == "rejected":
            workflow.transition(filing.id, "reject", reviewer,
                                "新增产能须提供产能置换指标（工信部产业〔2015〕127号）。")
        elif status == "returned":
            workflow.transition(filing.id, "return", reviewer, "请补充拆除方案。")
        elif status == "refused":
            _refuse(filing, reviewer)
        originals[FILINGS.index((index, kind, capacity, month, status, note, *covered))] = filing
    _prove(originals[PROVEN_PLAN], enterprises, users, reviewer)
    for position, change, note in AMENDMENTS:
        original = originals[position]
        filer = _filer_for(original.smelter.enterprise_id, enterprises, users)
        amendment = create_filing({"amends_id": original.id, **change, "notes": note}, filer)
        workflow.transition(amendment.id, "submit", filer)
        workflow.transition(amendment.id, "approve", reviewer, "修订后的计划符合总量控制要求。")
    _file_returns(smelters, enterprises, users)
    return True


def _refuse(filing, reviewer) -> None:
    """An approval the rules refuse, as a reviewer meets it: nothing changes but the refusal in the history."""
    trial = db.session.begin_nested()
    try:
        workflow.transition(filing.id, "approve", reviewer, "拟批准。")
    except RuleBroken as refusal:
        trial.rollback()
        record(**refusal.audit)
        return
    raise AssertionError("the demo's December restart should have been refused by the self-discipline cap")


def _prove(plan, enterprises, users, reviewer) -> None:
    """A replacement plan proven as a province runs it: a notice, an upheld objection, a new notice, the
    announcement, and the dismantling of every closure behind its indicators, confirmed by staff."""
    filer = _filer_for(plan.smelter.enterprise_id, enterprises, users)
    notice = {"authority": "山东省工业和信息化厅", "url": "https://gxt.shandong.gov.cn/art/2016/9/26/art_15201.html"}
    evidence.publish_notice(plan.id, {**notice, "published_on": dt.date(2016, 9, 26)}, filer)  # ends 2016-10-12
    objection = evidence.raise_objection(plan.id, "有会员提出：拟关停产能与原批复文件所载产能不符。", reviewer)
    evidence.resolve_objection(plan.id, objection.objections[0].id, True,
                               "经核实异议成立：按原批复文件核减后重新公示。", reviewer)
    evidence.publish_notice(plan.id, {**notice, "url": notice["url"].replace("15201", "15377"),
                                      "published_on": dt.date(2016, 10, 17)}, filer)  # ends 2016-10-28
    evidence.announce(plan.id, dt.date(2016, 10, 31), "鲁工信原〔2016〕212号", filer)
    closures = db.session.scalars(sa.select(Indicator.origin_filing_id).join(
        FilingReplacement, FilingReplacement.indicator_id == Indicator.id).where(
        FilingReplacement.filing_id == plan.id).distinct()).all()
    for closure_id in closures:
        evidence.record_dismantling(closure_id, dt.date(2016, 11, 25), "县工业和信息化局拆除验收意见，现场照片 12 张。",
                                    reviewer)
        evidence.confirm_dismantling(closure_id, reviewer)
    # The Inner Mongolia buyer's Henan indicator expired at the end of 2016: its new capacity is refused for it.
    bought = db.session.scalar(sa.select(Indicator).where(
        Indicator.enterprise_id == enterprises[EXPIRED_BUYER].id, Indicator.parent_id.is_not(None)))
    update_indicator(bought, {"expires_on": dt.date(2016, 12, 31),
                              "source_document": "豫发改工业〔2009〕1088号"}, reviewer)


RETURN_MONTHS = ("2016-01", "2016-11")  # from the baseline through the last month closed on the demo's 2016-12-15
RUNS_ABOVE_APPROVED = {9: 50_000}  # smelter index: t/a run above its approved operating capacity
PRODUCES_ABOVE = {15: 130}  # smelter index: production as a percentage of what its capacity can make
MISSING_RETURNS = {(19, "2016-11")}  # (smelter index, month) never reported
LATE_RETURNS = {(7, "2016-11")}  # filed on the 14th, after the 10th it was due


def _filed_on(month: str, late: bool) -> dt.datetime:
    """When a demo return was filed: the 5th of the next month, 10:00 Beijing, or the 14th when late."""
    following = months.first_day(months.add(month, 1))
    return dt.datetime(following.year, following.month, 14 if late else 5, 2, 0, tzinfo=dt.UTC)


def _file_returns(smelters, enterprises, users) -> None:
    """Returns through the last closed month: mostly as approved, one late, one above its position, one whose
    production its capacity cannot make, one missing."""
    for index, smelter in enumerate(smelters):
        filer = _filer_for(smelter.enterprise_id, enterprises, users)
        for position in positions_by_month(smelter, RETURN_MONTHS[0], RETURN_MONTHS[-1]):
            if (index, position.month) in MISSING_RETURNS:
                continue
            operating = position.operating_tpa + RUNS_ABOVE_APPROVED.get(index, 0)
            days = months.days_in(position.month)
            share = PRODUCES_ABOVE.get(index, 97) if position.month == RETURN_MONTHS[-1] else 97
            production = operating * days * share // (365 * 100)  # about 97 % of nameplate output
            filed = file_return({"smelter_id": smelter.id, "month": position.month, "operating_tpa": operating,
                                 "production_t": production}, filer)
            filed.submitted_at = _filed_on(position.month, (index, position.month) in LATE_RETURNS)
    # A clerk corrects a figure: the second revision supersedes the first, both stay readable.
    first = smelters[0]
    corrected = file_return({"smelter_id": first.id, "month": "2016-11", "operating_tpa": 400_000,
                             "production_t": 31_500}, _filer_for(first.enterprise_id, enterprises, users))
    corrected.submitted_at = _filed_on("2016-11", False) + dt.timedelta(days=2)


def _record_transfers(smelters, enterprises, reviewer) -> None:
    for origin, buyer, tonnes, note in TRANSFERS:
        indicator = db.session.scalar(sa.select(Indicator).where(Indicator.origin_smelter_id == smelters[origin].id,
                                                                 Indicator.parent_id.is_(None)))
        transfer(indicator.id, enterprises[buyer].id, tonnes, note, reviewer)


def _own_cover(enterprise_id: int, capacity: int) -> list[dict[str, int]]:
    """The enterprise's indicators, oldest first, until they cover ``capacity`` (ratio 1.0)."""
    cover, needed = [], capacity
    for indicator in db.session.scalars(sa.select(Indicator).where(
            Indicator.enterprise_id == enterprise_id, Indicator.remaining_tpa > 0).order_by(Indicator.id)):
        take = min(indicator.remaining_tpa, needed)
        cover.append({"indicator_id": indicator.id, "tonnes_tpa": take})
        needed -= take
        if not needed:
            break
    return cover


def _filer_for(enterprise_id: int, enterprises, users) -> User:
    """The demo filer of an enterprise; enterprises without one get a quiet account."""
    index = next(i for i, e in enumerate(enterprises) if e.id == enterprise_id)
    email = FILER_OF.get(index)
    if email:
        return users[email]
    email = f"filer{index + 1}@members.example"
    if email not in users:
        users[email] = create_user(email, "filer", secrets.token_urlsafe(16),
                                   enterprise=enterprises[index], name=USER_NAMES["filer"])
    return users[email]
