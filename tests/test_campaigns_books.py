"""The kill -9 and four-counter campaigns at their small size (long runs: --runs N)."""

from __future__ import annotations

import pytest


def test_kill9_campaign_small(capsys):
    from tests.campaigns import kill9

    assert kill9.main(["--runs", "3"]) == 0
    assert "runs 3 · failures 0 · data lost 0" in capsys.readouterr().out


def test_four_counters_and_an_import_campaign_small(capsys):
    from tests.campaigns import counters

    assert counters.main(["--runs", "1", "--visits", "10", "--rows", "2000"]) == 0
    assert "runs 1 · failures 0 · data lost 0" in capsys.readouterr().out


@pytest.mark.postgresql_only
def test_four_counters_campaign_small_on_postgresql(capsys, pg_server):
    """The same four counters × visits on one PostgreSQL database: same numbers, same handset
    model, same subscriber, an import beside them; nothing lost, nothing sold twice."""
    from tests.campaigns import counters

    assert counters.main(["--db", "postgresql", "--runs", "1", "--visits", "12", "--rows", "2000"], pg_server=pg_server) == 0
    assert "runs 1 · failures 0 · data lost 0" in capsys.readouterr().out
