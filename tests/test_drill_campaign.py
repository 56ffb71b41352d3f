"""The drill campaign's small run: random trainees on one practice PC, every drill scored, stored and
explained, perfect drills always 100, the live database never created."""

from __future__ import annotations

from tests.campaigns.drills import campaign


def test_drill_campaign_small():
    runs, failures, lost = campaign(runs=25, seed=3)
    assert (runs, failures, lost) == (25, [], 0)
