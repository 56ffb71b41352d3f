"""The CLI fuzz campaign at its small size: ~200 hostile cases, every command, a temporary home."""

from __future__ import annotations

from tests.campaigns.cli_fuzz import campaign


def test_cli_fuzz_small(monkeypatch):
    runs, failures, lost = campaign(runs=200, seed=1, subprocesses=2)
    print(f"cli fuzz: {runs} runs · {len(failures)} failures · {lost} data lost")
    assert runs == 200
    assert failures == []
    assert lost == 0
