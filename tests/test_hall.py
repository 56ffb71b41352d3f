"""The hall's books (全厅): each counter settles its own shift; the supervisor on duty (值班长)
closes the hall's day seeing every counter, refused while one is open; reports cover the
whole hall unless --counter names one."""

from __future__ import annotations

import dataclasses
import json

import pytest
from typer.testing import CliRunner

from teller.cli.main import app
from teller.errors import AuthError, TellerError
from tests.conftest import FLOAT, open_desk
from tests.support.flows import pay

runner = CliRunner()


def counted(extra_tens: int) -> dict[int, int]:
    counts = dict(FLOAT)
    counts[1000] += extra_tens
    return counts


@pytest.fixture
def two_counters(settings, clock):
    a = open_desk(settings, clock, "1001", "1234")
    b = open_desk(dataclasses.replace(settings, counter="02"), clock, "1002", "2345")
    pay(a)
    pay(b)
    pay(b)
    yield a, b
    a.close()
    b.close()


def test_the_hall_closes_only_when_every_counter_has_settled(two_counters, settings, clock):
    a, b = two_counters
    boss = open_desk(dataclasses.replace(settings, counter="99"), clock, "9001", "9999", shift=False)
    seen = {c.counter: c for c in boss.hall_day()}
    assert set(seen) == {"01", "02"} and seen["02"].tx_count == 2 and seen["01"].open_shifts == 1
    with pytest.raises(TellerError) as refused:
        boss.settle_hall()
    assert "01 (1001)" in refused.value.message and "02 (1002)" in refused.value.message
    assert a.count_drawer(counted(1)).closed  # counter 01 settles its own shift
    with pytest.raises(TellerError) as refused:
        boss.settle_hall()
    assert "02 (1002)" in refused.value.message and "01" not in refused.value.message
    assert b.count_drawer(counted(2)).closed
    with pytest.raises(AuthError):
        a.settle_hall()  # a clerk is not the supervisor on duty
    rec, counters = boss.settle_hall()
    assert (rec.counters, rec.shifts, rec.cash_fen, rec.variance_fen) == (2, 2, 2 * 59500 + 3000, 0)
    assert all(c.day_closed for c in counters) and [c.amount_fen for c in counters] == [1000, 2000]
    with pytest.raises(TellerError, match="日结"):
        boss.settle_hall()  # once
    with pytest.raises(TellerError):
        pay(b)  # the day is closed at every counter
    boss.close()


def test_reports_cover_the_hall_and_one_counter_on_request(two_counters, home):
    def daily(*more):
        r = runner.invoke(app, ["--home", str(home), "report", "daily", "--from", "2026-11-23", "-f", "json", *more])
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    whole = daily()
    assert (whole[0]["count"], whole[0]["amount_fen"]) == (3, 3000)  # the hall: both counters
    assert {r["key"] for r in whole if r["level"] == "台席"} == {"01", "02"}
    one = daily("--counter", "02")
    assert (one[0]["key"], one[0]["count"], one[0]["amount_fen"]) == ("02", 2, 2000)
    assert {r["key"] for r in one if r["level"] == "营业员"} == {"1002"}
    for name in ("period", "prepay-arrears", "procedures", "bands", "retention", "exceptions", "complaints"):
        r = runner.invoke(app, ["--home", str(home), "report", name, "--from", "2026-11-23", "--counter", "01", "-f", "json"])
        assert r.exit_code == 0, (name, r.output)
    bands = json.loads(runner.invoke(app, ["--home", str(home), "report", "bands", "--from", "2026-11-23", "--counter", "01", "-f", "json"]).stdout)
    assert sum(r["count"] for r in bands) == 1


def test_settle_hall_cli_shows_every_counter_then_refuses_or_closes(two_counters, home):
    a, b = two_counters
    r = runner.invoke(app, ["--home", str(home), "settle", "hall", "--clerk", "9001", "--pin", "9999", "--date", "2026-11-23"])
    assert r.exit_code == 1
    assert "01" in r.stdout and "02" in r.stdout and "未交班" in r.stderr
    a.count_drawer(counted(1))
    b.count_drawer(counted(2))
    r = runner.invoke(app, ["--home", str(home), "settle", "hall", "--clerk", "9001", "--pin", "9999", "--date", "2026-11-23"])
    assert r.exit_code == 0, r.output
    assert "Hall day 2026-11-23 closed: 2 counter(s), 2 shift(s)" in r.stdout
