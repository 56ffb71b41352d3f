"""The live customer panel beside the script: who is at the counter, masked."""

from __future__ import annotations

from rich.table import Table
from textual.widgets import Static

from teller.domain.money import money
from teller.domain.rules import mask_id, mask_name
from teller.strings import t


class CustomerPanel(Static):
    """Shows the run's customer; the screen calls `show(run)` whenever the run changes."""

    def on_mount(self) -> None:
        self.border_title = t("panel.title")

    def show(self, run) -> None:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        c = run.customer if run is not None else None
        if c is not None:
            rows = [
                ("panel.number", c.number),
                ("panel.name", c.masked_name),
                ("panel.brand", c.brand),
                ("panel.plan", c.plan_name),
                ("panel.status", ("[b red]" if c.status != "active" else "") + c.status_text),
                ("panel.balance", money(c.balance_fen)),
                ("panel.arrears", ("[b red]" if c.arrears_fen else "") + money(c.arrears_fen)),
                ("panel.month", money(c.month_charges_fen)),
                ("panel.points", str(c.points)),
            ]
            if c.pending_plan_name:
                rows.append(("panel.pending", c.pending_plan_name))
            if c.subscriptions:  # value-added services and the flags opened on the number (国际漫游, ...)
                rows.append(("panel.services", "、".join(s.name for s in c.subscriptions)))
            if c.deposit_fen:
                rows.append(("panel.deposit", money(c.deposit_fen)))
        elif run is not None and run.procedure.customer == "new":
            a = run.answers
            plan = run.plan
            rows = [
                ("panel.name", mask_name(a["name"]) if "name" in a else "—"),
                ("panel.id", mask_id(a["id_number"]) if "id_number" in a else "—"),
                ("panel.plan", plan.name if plan else "—"),
                ("panel.number", a.get("new_number", "—")),
            ]
        else:
            rows = []
        for key, value in rows:
            grid.add_row(t(key), value)
        for label, party_rows in run.parties() if run is not None else []:  # the other party: 副卡, 新机主, 代办人
            grid.add_row(f"[b]{label}[/b]", "")
            for key, value in party_rows:
                grid.add_row(t(key), value)
            rows = rows or party_rows
        self.update(grid if rows else t("panel.empty"))
