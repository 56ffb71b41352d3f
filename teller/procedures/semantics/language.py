"""What the checks need to know of the procedure language: the fields always there, the known
values of the built-in condition fields, which input kinds each named check reads, which are secret."""

from __future__ import annotations

#: Always there: the hall, the clock, the total (0 before any fee applies).
ALWAYS = frozenset({"greeting", "hall", "counter", "clerk", "total", "total_fen", "customer.exists"})

#: Known values of the built-in condition fields (a condition testing another value never holds).
KNOWN_VALUES: dict[str, frozenset] = {
    "status": frozenset({"active", "suspended_arrears", "suspended_lost", "closed"}),
    "brand": frozenset({"全球通", "动感地带", "神州行"}),
    "family_role": frozenset({"main", "secondary", ""}),
}
BOOLEAN_FIELDS = frozenset({"local", "exists", "family_linked"})
NUMBER_FIELDS = frozenset({"balance_fen", "arrears_fen", "points", "subscription_count"})

#: The input kinds each named check can read (a name check on money refuses every amount).
CHECK_KINDS: dict[str, frozenset[str]] = {
    "holder_name_matches": frozenset({"text"}),
    "id_matches_holder": frozenset({"id_number"}),
    "covers_arrears": frozenset({"money"}),
    "bill_month_not_printed": frozenset({"choice"}),
    "points_cover_reward": frozenset({"choice"}),
    "id_quota": frozenset({"id_number"}),
    "id_is_not_holder": frozenset({"id_number"}),
    "plan_is_new": frozenset({"choice"}),
    "password_is_new": frozenset({"new_password"}),
    "imei_valid": frozenset({"text"}),
}
#: A check on a choice reads the value of one catalogue.
CHECK_OPTIONS: dict[str, str] = {"bill_month_not_printed": "bill_months", "points_cover_reward": "rewards", "plan_is_new": "plans"}

#: Inputs whose answer is a secret (a supervisor_pin input keeps the supervisor's staff number,
#: never the PIN: `{approval}` says who authorised, and is no secret).
SECRET_KINDS = frozenset({"password", "new_password"})
NUMBER_KINDS = frozenset({"money", "cash"})
