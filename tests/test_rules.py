"""Pure rules: phone numbers, resident IDs, service passwords, masks, money, greetings, secrets."""

from __future__ import annotations

from datetime import datetime

import pytest

from teller.clock import hall_zone
from teller.domain import catalog, rules
from teller.domain.money import money, parse_yuan, spoken_yuan, yuan
from teller.domain.secrets import hash_secret, verify_secret
from teller.errors import InputRefused

# ---- phone numbers -----------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("13800138000", "13800138000"),
    (" 138 0013 8000 ", "13800138000"),
    ("138-0013-8000", "13800138000"),
    ("19912345678", "19912345678"),
])
def test_phone_accepts_eleven_digits_starting_with_1(text, expected):
    assert rules.check_phone(text) == expected


@pytest.mark.parametrize("text", [
    "1380013800",  # 10 digits
    "138001380000",  # 12 digits
    "23800138000",  # does not start with 1
    "1380013800a",  # a letter
    "abcdefghijk",
    "",
])
def test_phone_refuses_bad_numbers_with_a_reason(text):
    with pytest.raises(InputRefused) as exc:
        rules.check_phone(text)
    assert "11" in exc.value.message


# ---- resident ID numbers ---------------------------------------------------------------------

DEMO_IDS = [catalog.demo_id(c[2]) for c in catalog.CUSTOMERS]


@pytest.mark.parametrize("id_number", DEMO_IDS)
def test_demo_ids_are_valid(id_number):
    assert rules.check_id_number(id_number) == id_number


def test_id_check_digit_known_value():
    # GB 11643 worked example: 11010519491231002 -> X
    assert rules.id_check_digit("11010519491231002") == "X"
    assert rules.check_id_number("11010519491231002X") == "11010519491231002X"


def test_id_lowercase_x_is_accepted_and_normalised():
    assert rules.check_id_number("11010519491231002x") == "11010519491231002X"


def test_id_wrong_check_digit_refused():
    good = DEMO_IDS[0]
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(InputRefused) as exc:
        rules.check_id_number(wrong)
    assert "校验位" in exc.value.message


@pytest.mark.parametrize("text", ["1101051980010112", "11010519800101123X1", ""])
def test_id_bad_length_refused(text):
    with pytest.raises(InputRefused) as exc:
        rules.check_id_number(text)
    assert "18" in exc.value.message


def test_id_bad_birth_date_refused():
    bad = catalog.demo_id("11010519801301123")  # month 13, valid check digit
    with pytest.raises(InputRefused) as exc:
        rules.check_id_number(bad)
    assert "出生日期" in exc.value.message
    feb30 = catalog.demo_id("11010519800230123")
    with pytest.raises(InputRefused):
        rules.check_id_number(feb30)


def test_id_letters_in_the_digits_refused():
    with pytest.raises(InputRefused):
        rules.check_id_number("1101051980010112AX")


def test_id_with_a_non_ascii_digit_is_refused_not_crashing():
    with pytest.raises(InputRefused):
        rules.check_id_number("11010519800101²23X")


def test_id_gender_digit():
    assert rules.id_is_male(catalog.demo_id("11010519800101123"))  # 17th digit 3: male
    assert not rules.id_is_male(catalog.demo_id("31010419920315242"))  # 4: female


# ---- new service passwords ---------------------------------------------------------------------


@pytest.mark.parametrize("pw", ["135790", "246802", "102938", "112233"])
def test_new_password_ok(pw):
    assert rules.check_new_password(pw) == pw


@pytest.mark.parametrize("pw, word", [
    ("111111", "同一数字"),
    ("000000", "同一数字"),
    ("123456", "连号"),
    ("654321", "连号"),
    ("345678", "连号"),
    ("13579", "6 位"),
    ("1357900", "6 位"),
    ("13579a", "6 位"),
    ("abcdef", "6 位"),
    ("", "6 位"),
])
def test_new_password_refused(pw, word):
    with pytest.raises(InputRefused) as exc:
        rules.check_new_password(pw)
    assert word in exc.value.message


# ---- masks ---------------------------------------------------------------------------------------


def test_mask_name():
    assert rules.mask_name("王小明") == "王*明"
    assert rules.mask_name("李静") == "李*"
    assert rules.mask_name("欧阳娜娜") == "欧**娜"
    assert rules.mask_name("王") == "王"


def test_mask_id_shows_first_three_and_last_four():
    full = DEMO_IDS[0]
    masked = rules.mask_id(full)
    assert masked == full[:3] + "*" * 11 + full[-4:]
    assert len(masked) == 18
    assert full[3:14] not in masked


def test_mask_phone():
    assert rules.mask_phone("13800138000") == "138****8000"


# ---- money ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, fen", [
    ("120", 12000),
    ("0.5", 50),
    ("0.05", 5),
    ("120.5", 12050),
    ("¥120.50", 12050),
    ("￥120.50", 12050),
    ("120元", 12000),
    ("1,200", 120000),
    (" 15.00 ", 1500),
])
def test_parse_yuan(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text, word", [
    ("12.345", "两位小数"),
    ("-5", "负数"),
    ("abc", "不是有效的数字"),
    ("", "请输入"),
    ("   ", "请输入"),
    ("1.2.3", "不是有效的数字"),
])
def test_parse_yuan_refused(text, word):
    with pytest.raises(InputRefused) as exc:
        parse_yuan(text)
    assert word in exc.value.message


def test_yuan_formatting():
    assert yuan(11500) == "115.00"
    assert yuan(5) == "0.05"
    assert yuan(-3050) == "-30.50"
    assert yuan(0) == "0.00"
    assert money(11500) == "￥115.00"


def test_spoken_yuan():
    assert spoken_yuan(12000) == "120"
    assert spoken_yuan(1250) == "12.5"
    assert spoken_yuan(1205) == "12.05"
    assert spoken_yuan(3050) == "30.5"
    assert spoken_yuan(0) == "0"
    assert spoken_yuan(1000) == "10"  # trailing zero of the integer part stays


# ---- greeting and address --------------------------------------------------------------------------


@pytest.mark.parametrize("hour, word", [
    (8, "早上好"), (10, "早上好"), (11, "中午好"), (12, "中午好"), (13, "下午好"), (17, "下午好"),
])
def test_greeting_by_hour(hour, word):
    assert rules.greeting(datetime(2026, 11, 23, hour, 30, tzinfo=hall_zone())) == word


def test_honorific():
    assert rules.honorific("王小明", True) == "王先生"
    assert rules.honorific("李静", False) == "李女士"


# ---- secrets -------------------------------------------------------------------------------------------


def test_hash_and_verify_secret():
    stored = hash_secret("135790")
    assert verify_secret("135790", stored)
    assert not verify_secret("135791", stored)
    assert not verify_secret("", stored)
    assert "135790" not in stored
    assert stored.startswith("scrypt$")


def test_hash_is_salted():
    assert hash_secret("1234") != hash_secret("1234")


@pytest.mark.parametrize("stored", [None, "", "plain", "md5$1$2$3$4$5", "scrypt$x$8$1$AAAA$AAAA",
                                    "scrypt$1048576$8$1$c2FsdA==$AAAA", "scrypt$3$8$1$c2FsdA==$AAAA"])
def test_verify_secret_refuses_garbage(stored):
    assert not verify_secret("1234", stored)  # bad numbers, a 1 GiB work area, n not a power of 2: False


def old_hash(secret: str, n: int = 2**14, r: int = 8, p: int = 1) -> str:
    """A hash as the first versions wrote it (scrypt n=2^14: a 16 MiB work area)."""
    import base64
    import hashlib

    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"scrypt${n}${r}${p}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def test_hashes_written_with_the_old_parameters_still_verify():
    from teller.domain.secrets import needs_rehash

    stored = old_hash("258036")
    assert verify_secret("258036", stored) and not verify_secret("258037", stored)
    assert needs_rehash(stored) and not needs_rehash(hash_secret("258036"))


def test_a_check_needs_a_small_work_area():
    """The parameters in the hash: 128·r·n bytes of work area, at most 1 MiB (not 16 MiB)."""
    _, n, r, p, _, _ = hash_secret("1234").split("$")
    assert 128 * int(r) * int(n) <= 1024 * 1024
    assert int(n) * int(p) >= 2**13  # the time per check comes from p lanes instead


def test_full_width_digits_are_refused_or_normalised():
    for check, text, ascii_ in ((rules.check_new_password, "１３５７９０", "135790"),
                                (rules.check_phone, "1３８００１３８０００", "13800138000")):
        try:
            got = check(text)
        except InputRefused:
            continue
        assert got == ascii_
