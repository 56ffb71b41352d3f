"""The commit-path benchmark at a tiny size (figures are printed, never asserted on time), and
what the hot path promises: a payment visit's statements and connection checkouts, nothing it
just wrote read back, the papers from memory with all their jobs in two transactions."""

from __future__ import annotations

from sqlalchemy import event

from tests.conftest import start, walk


def test_commit_bench_runs_small_on_sqlite(capsys):
    from tests.bench import commit_bench

    assert commit_bench.main(["--db", "sqlite", "--visits", "5", "--procs", "2", "--proc-visits", "3"]) == 0
    out = capsys.readouterr().out
    assert "visits/s" in out and "SQL statements per visit" in out and "errors 0" in out
    # the console's path: one commit per visit, and one more for the last visit's printed mark (6 for 5)
    assert "commits (fsyncs) per visit: teller 1.20; core 1.20" in out


def _pay_to_confirm(desk):
    run = walk(start(desk, "payment"), "13800138000", "王小明")
    if run.step.id.startswith("account_"):
        run.submit()
    return walk(run, "10", "10")


def test_a_payment_visit_reads_back_nothing_it_wrote(desk):
    first = _pay_to_confirm(desk)  # the counter's first commit reads its last receipt number once
    first.submit()
    desk.print_transaction(first.committed.tx_id)
    statements: list[str] = []
    checkouts: list[int] = []
    event.listen(desk.engine, "before_cursor_execute", lambda c, cur, s, p, ctx, many: statements.append(" ".join(s.split())))
    event.listen(desk.engine.pool, "checkout", lambda *a: checkouts.append(1))
    run = _pay_to_confirm(desk)
    lookup = len(statements)
    run.submit()
    commit = statements[lookup:]
    outcomes = desk.print_transaction(run.committed.tx_id)
    printing = statements[lookup + len(commit):]
    assert all(o.ok for o in outcomes)
    assert run.committed.customer.balance_fen == 3520 + 2000  # the panel's view, from the row written
    written = ("transaction", "fee_line", "audit", "receipt_job", "reversal")
    reads = [s for s in commit if s.startswith("SELECT")]
    assert not [s for s in reads if any(f"FROM {t} " in s or f'FROM "{t}" ' in s for t in written)], reads
    assert len(commit) <= 16, commit  # was 24 before the hot path (36 for the whole visit)
    assert [s.split()[0] for s in printing] == ["UPDATE", "UPDATE"], printing  # every job: sending, then the outcome
    assert len(checkouts) <= 4  # lookup, commit, the print's two transactions


import pytest  # noqa: E402


@pytest.mark.postgresql_only
def test_commit_bench_runs_small_on_postgresql(capsys, pg_server):
    from tests.bench import commit_bench

    assert commit_bench.main(["--db", "postgresql", "--visits", "5", "--procs", "2", "--proc-visits", "3"], pg_server=pg_server) == 0
    out = capsys.readouterr().out
    assert "PostgreSQL" in out and "errors 0" in out
