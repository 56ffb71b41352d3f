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

# The demo subscribers joined this long before the seeding (their past months have bills to print)
DEMO_TENURE_DAYS = 3 * 365

FREE_NUMBERS = [f"1347777{n:04d}" for n in (1001, 1314, 1688, 2046, 2580, 3366, 5200, 6789, 8008, 8866, 9191, 9527)]


# ---- issue 3 (i3b): services, points, handsets, complaint replies, provinces -------------------

# Value-added services a subscriber may hold: code, name, monthly fee (fen)
VALUE_ADDED = [
    ("cailing", "彩铃", 500),
    ("mengwang", "梦网包月信息", 1000),
    ("caller_reminder", "来电提醒", 200),
    ("mobile_news", "手机报", 300),
]

# number, service code: the demo subscribers' subscriptions
SUBSCRIPTIONS = [
    ("13800138000", "cailing"),
    ("13800138000", "mobile_news"),
    ("13700001111", "cailing"),
    ("13700001111", "mengwang"),
    ("15000002222", "caller_reminder"),
    ("13912345678", "cailing"),
]

# Points rewards: code, name, points it costs, bill credit it gives (fen; 0 for a gift)
REWARDS = [
    ("credit_5", "5元话费", 500, 500),
    ("credit_10", "10元话费", 1000, 1000),
    ("umbrella", "晴雨伞", 800, 0),
    ("thermos", "保温杯", 1500, 0),
]

# Handsets sold at the counter: code, make, model, price (fen), stock
HANDSETS = [
    ("hw_nova12", "华为", "nova 12", 249900, 5),
    ("mi_14", "小米", "14", 399900, 3),
    ("oppo_a2", "OPPO", "A2", 129900, 8),
    ("zte_blade", "中兴", "Blade A73", 69900, 0),  # out of stock: not offered
]

# The 三包 (repair, replace, return) terms a handset sale prints: the strings `paper.warranty_terms`

# Promised reply time of a complaint ticket, by brand (hours); other brands get the default
REPLY_HOURS_BY_BRAND = {"全球通": 24, "动感地带": 48, "神州行": 48}
DEFAULT_REPLY_HOURS = 48

# The other region contacts the customer within this many hours of a cross-region reservation
RESERVATION_CALLBACK_HOURS = 10

PROVINCES = [
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川",
    "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆",
]


def reward(code: str) -> tuple[str, str, int, int] | None:
    return next((r for r in REWARDS if r[0] == code), None)


def reply_hours(brand: str) -> int:
    return REPLY_HOURS_BY_BRAND.get(brand, DEFAULT_REPLY_HOURS)
