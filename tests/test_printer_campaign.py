"""The printer-faults campaign at its CI size: every failure mode of the fake TCP printer,
one committed sale each (tests/campaigns/printer_faults.py; --runs N for a long run)."""

from __future__ import annotations

import pytest

from tests.campaigns.printer_faults import MODES, run_campaign


@pytest.mark.parametrize("at_once", [True, False], ids=["papers-claimed-by-the-commit", "papers-marked-after-it"])
def test_every_printer_fault_keeps_the_sale_and_marks_what_may_be_on_paper(desk, at_once):
    tally = run_campaign(desk, runs=1, at_once=at_once)
    assert tally.runs == len(MODES)
    assert tally.failures == [] and tally.lost == 0, tally.failures
