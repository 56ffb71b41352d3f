"""Demo catalogue and demo subscribers, created on first run (and by `teller-admin seed demo`)."""

from __future__ import annotations

from teller.domain.rules import id_check_digit

# code, name, brand, monthly fee (fen), tariff read out to the customer
PLANS = [
    ("jiayuan", "家园卡", "神州行", 800,
     "月费8元，含来电显示和来电提醒，最低消费10元（含月费）；本地通话每分钟0.15元，出县0.22元"),
    ("szx_fashion", "神州行大众卡时尚套餐", "神州行", 1500,
     "月费15元，含彩铃、来电显示、来电提醒和150条短信；市话每分钟0.15元，加拨17951长途每分钟0.25元"),
    ("gotone_88", "全球通88元套餐", "全球通", 8800,
     "月费88元，含国内通话300分钟、国内流量10GB；超出后国内通话每分钟0.19元"),
    ("mzone_18", "动感地带18元套餐", "动感地带", 1800,
     "月费18元，含校园流量5GB、短信100条；本地通话每分钟0.10元"),
]


def demo_id(first17: str) -> str:
    return first17 + id_check_digit(first17)


# staff no, name, role, PIN (hashed when seeded; listed in the README for the demo)
CLERKS = [
    ("1001", "周丽", "clerk", "1234"),
    ("1002", "吴强", "clerk", "2345"),
    ("8001", "郑老师", "trainer", "8888"),
    ("9001", "孙主管", "supervisor", "9999"),
]

# number, name, ID (first 17), male, plan, status, balance, month charges, prepaid on the 1st,
# last month unpaid, points, local, service password
CUSTOMERS = [
    ("13800138000", "王小明", "11010519800101123", True, "gotone_88", "active", 3520, 4560, 8080, 0, 1200, True, "135790"),
    ("13912345678", "李静", "31010419920315242", False, "mzone_18", "suspended_arrears", -3050, 1800, 0, 1250, 300, True, "246802"),
    ("13700001111", "张伟", "44030619751120361", True, "szx_fashion", "active", 1200, 1500, 2700, 0, 80, True, "102938"),
    ("15000002222", "陈晓红", "61070219880808004", False, "jiayuan", "active", 560, 1000, 1560, 0, 40, True, "564738"),
    ("18800003333", "刘洋", "51010719900606581", True, "gotone_88", "active", 15000, 6000, 21000, 0, 2600, False, "918273"),
    ("13600004444", "赵敏", "32010219851212122", False, "szx_fashion", "suspended_lost", 2200, 300, 2500, 0, 150, True, "374615"),
]

FREE_NUMBERS = [f"1347777{n:04d}" for n in (1001, 1314, 1688, 2046, 2580, 3366, 5200, 6789, 8008, 8866, 9191, 9527)]
