"""Province-level divisions of GB/T 2260, with Chinese and English names.

The table is loaded into the ``provinces`` table by the first migration so
that smelters and enterprises reference it with a foreign key.
"""

PROVINCES: tuple[tuple[str, str, str], ...] = (
    ("11", "北京市", "Beijing"),
    ("12", "天津市", "Tianjin"),
    ("13", "河北省", "Hebei"),
    ("14", "山西省", "Shanxi"),
    ("15", "内蒙古自治区", "Inner Mongolia"),
    ("21", "辽宁省", "Liaoning"),
    ("22", "吉林省", "Jilin"),
    ("23", "黑龙江省", "Heilongjiang"),
    ("31", "上海市", "Shanghai"),
    ("32", "江苏省", "Jiangsu"),
    ("33", "浙江省", "Zhejiang"),
    ("34", "安徽省", "Anhui"),
    ("35", "福建省", "Fujian"),
    ("36", "江西省", "Jiangxi"),
    ("37", "山东省", "Shandong"),
    ("41", "河南省", "Henan"),
    ("42", "湖北省", "Hubei"),
    ("43", "湖南省", "Hunan"),
    ("44", "广东省", "Guangdong"),
    ("45", "广西壮族自治区", "Guangxi"),
    ("46", "海南省", "Hainan"),
    ("50", "重庆市", "Chongqing"),
    ("51", "四川省", "Sichuan"),
    ("52", "贵州省", "Guizhou"),
    ("53", "云南省", "Yunnan"),
    ("54", "西藏自治区", "Xizang (Tibet)"),
    ("61", "陕西省", "Shaanxi"),
    ("62", "甘肃省", "Gansu"),
    ("63", "青海省", "Qinghai"),
    ("64", "宁夏回族自治区", "Ningxia"),
    ("65", "新疆维吾尔自治区", "Xinjiang"),
    ("71", "台湾省", "Taiwan"),
    ("81", "香港特别行政区", "Hong Kong"),
    ("82", "澳门特别行政区", "Macao"),
)

PROVINCE_CODES = frozenset(code for code, _, _ in PROVINCES)
NAMES = {code: (zh, en) for code, zh, en in PROVINCES}

# MIIT 2015 No. 127: equal-or-reduced replacement, 1.25 in sensitive regions.
SENSITIVE_REGIONS = ("11", "12", "13", "31", "32", "33", "44")


def province_name(code: str, locale: str = "en") -> str:
    """The province's name in Chinese (``zh*``) or English."""
    zh, en = NAMES.get(code, (code, code))
    return zh if locale.startswith("zh") else en


def is_prefecture(code: str | None) -> bool:
    """A GB/T 2260 prefecture code: four ASCII digits, a province's two then not 00."""
    return (code is not None and len(code) == 4 and code.isascii() and code.isdigit()
            and code[:2] in PROVINCE_CODES and code[2:] != "00")
