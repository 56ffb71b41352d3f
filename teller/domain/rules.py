"""Pure business rules: phone numbers, resident ID numbers, service passwords, masking."""

from __future__ import annotations

import re
from datetime import date, datetime

from teller.errors import InputRefused
from teller.strings import t

_PHONE = re.compile(r"^1[0-9]{10}$")
_ID = re.compile(r"^[0-9]{17}[0-9X]$")


def ascii_digits(text: str) -> str:
    """Full-width digits (an input method left in full-width mode) become ASCII: １２３ -> 123."""
    return "".join(chr(ord(c) - 0xFEE0) if "０" <= c <= "９" else c for c in text or "")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

MAX_NUMBERS_PER_ID = 5  # open numbers one ID may hold


def check_phone(text: str) -> str:
    number = ascii_digits(text).strip().replace(" ", "").replace("-", "")
    if not _PHONE.match(number):
        raise InputRefused(t("rule.phone", text=text.strip()))
    return number


def id_check_digit(first17: str) -> str:
    """GB 11643 check character of a resident ID number."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def check_id_number(text: str) -> str:
    """An 18-character resident ID number with a valid check character (GB 11643)."""
    value = ascii_digits(text).strip().upper().replace("Ｘ", "X")
    if len(value) != 18:
        raise InputRefused(t("rule.id_length", n=len(value)))
    if not _ID.match(value):
        raise InputRefused(t("rule.id_chars"))
    try:
        datetime.strptime(value[6:14], "%Y%m%d")
    except ValueError:
        raise InputRefused(t("rule.id_birth")) from None
    if id_check_digit(value[:17]) != value[17]:
        raise InputRefused(t("rule.id_check"))
    return value


def imei_check_digit(first14: str) -> str:
    """The Luhn check digit of an IMEI's first 14 digits (3GPP TS 23.003)."""
    total = 0
    for i, ch in enumerate(reversed(first14)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str(-total % 10)


def check_imei(text: str) -> str:
    """A handset's IMEI (串号): 15 digits, the last the Luhn check digit of the others."""
    value = ascii_digits(text).strip().replace(" ", "").replace("-", "")
    if not re.fullmatch(r"[0-9]{15}", value):
        raise InputRefused(t("rule.imei_length", text=text.strip()))
    if imei_check_digit(value[:14]) != value[14]:
        raise InputRefused(t("rule.imei_check"))
    return value


def id_is_male(id_number: str) -> bool:
    return int(id_number[16]) % 2 == 1


def check_new_password(text: str) -> str:
    """Six digits, not all one digit, not a run up or down (123456, 654321)."""
    value = ascii_digits(text).strip()
    if not re.fullmatch(r"[0-9]{6}", value):
        raise InputRefused(t("rule.pw_six"))
    if len(set(value)) == 1:
        raise InputRefused(t("rule.pw_same"))
    steps = {int(b) - int(a) for a, b in zip(value, value[1:])}
    if steps in ({1}, {-1}):
        raise InputRefused(t("rule.pw_run"))
    return value


def mask_name(name: str) -> str:
    """Keep the surname and, for names of three or more, the last character: 王小明 -> 王*明."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id(id_number: str) -> str:
    """First 3 and last 4 characters shown: 110***********123X."""
    if len(id_number) <= 7:
        return "*" * len(id_number)
    return id_number[:3] + "*" * (len(id_number) - 7) + id_number[-4:]


def mask_phone(number: str) -> str:
    return number[:3] + "****" + number[7:] if len(number) == 11 else number


def greeting(now: datetime) -> str:
    """早上好 before 11:00, 中午好 until 13:00, then 下午好."""
    if now.hour < 11:
        return t("greet.morning")
    if now.hour < 13:
        return t("greet.noon")
    return t("greet.afternoon")


def honorific(name: str, male: bool | None) -> str:
    """Surname and 先生/女士, the way the clerk addresses the customer."""
    if not name:
        return ""
    return name[0] + (t("title.mr") if male else t("title.ms"))


# ---- bills, dates (issue 3: bill printing, reservations) ---------------------------------------
BILL_MONTHS_OFFERED = 5


def bill_months(now: datetime, count: int = BILL_MONTHS_OFFERED) -> list[str]:
    """The months the counter may print a bill for: the `count` before the current month,
    newest first, as "YYYY-MM" (never the current month: it is not billed yet)."""
    year, month = now.year, now.month
    out = []
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append(f"{year:04d}-{month:02d}")
    return out


def check_date(text: str) -> "date":
    """A calendar date typed as YYYY-MM-DD (also YYYYMMDD or YYYY/MM/DD; full-width digits ok)."""
    value = ascii_digits(text).strip().replace("/", "-").replace("．", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise InputRefused(t("rule.date", text=text.strip()))


def check_datetime(text: str) -> datetime:
    """A date and time typed as YYYY-MM-DD HH:MM (naive; the caller attaches the hall's zone)."""
    value = " ".join(ascii_digits(text).strip().replace("/", "-").replace("：", ":").split())
    for fmt in ("%Y-%m-%d %H:%M", "%Y%m%d %H:%M", "%Y-%m-%d %H%M"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise InputRefused(t("rule.datetime", text=text.strip()))


#: the courtesy that follows the greeting on a visit's first line (dropped with it on a repeat)
_SEATING = ("您请坐。", "两位请坐。", "请坐。", "Please have a seat.", "Please both have a seat.", "Please sit down.")


def without_greeting(line: str, greeting: str) -> str:
    """A visit's first line for the second number of the same customer: no second 早上好, no
    second 您请坐 (`早上好！您请坐。请报一下号码。` -> `请报一下号码。`)."""
    text = line.lstrip()
    if not greeting or not text.startswith(greeting):
        return line
    text = text[len(greeting):].lstrip("！!，,。. ")
    for courtesy in _SEATING:
        if text.startswith(courtesy):
            text = text[len(courtesy):].lstrip()
            break
    return text or line


#: which brands fit which usage answer (the `usage` choice of 入网), in order of preference
USAGE_BRANDS = {"local": ("神州行",), "long_distance": ("神州行",), "heavy": ("全球通",), "youth": ("动感地带",)}


def plans_for_usage(plans: list, usage: str | None) -> list[tuple[object, bool]]:
    """The plan list as the usage answer reads it: the fitting plans first, marked recommended
    (local calls: the cheapest first; long distance and texts: the fuller plan first), the rest
    after in catalogue order. No answer, or one the rule does not know: the catalogue as it is."""
    brands = USAGE_BRANDS.get(usage or "")
    if not brands:
        return [(p, False) for p in plans]
    fitting = [p for p in plans if p.brand in brands]
    fitting.sort(key=lambda p: p.monthly_fee_fen, reverse=usage == "long_distance")
    return [(p, True) for p in fitting] + [(p, False) for p in plans if p not in fitting]
