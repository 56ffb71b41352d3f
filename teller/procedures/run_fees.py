"""A run's fees: the fee lines and total, the change due, prices picked from a catalogue and
the waivers a supervisor grants.

A part of teller.procedures.engine.Run (a mixin: its methods use the run's procedure, answers,
customer and desk).
"""

from __future__ import annotations

from teller.domain.money import change_due
from teller.errors import InputRefused
from teller.procedures.run_values import ACTIVE, FeeLine
from teller.strings import pick, t


class RunFees:
    """A run's fees: the fee lines and total, the change due, prices picked from a catalogue and."""

    def fee_lines(self) -> list[FeeLine]:
        lines = []
        waived = set(self.answers.get("waived_fees", ()))
        for fee in self.procedure.fees:
            if not self.holds(fee.when) or fee.code in waived:
                continue
            if fee.price_of:
                amount = self._price_of(fee.price_of)
            else:
                amount = fee.amount if fee.amount is not None else self.answers.get(fee.code)
            if amount:
                lines.append(FeeLine(fee.code, pick(fee.label.as_dict()), int(amount)))
        return lines

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.fee_lines())

    @property
    def change_fen(self) -> int:
        """The change due on the cash tendered (teller.domain.money.change_due), 0 before the cash."""
        return change_due(self.total_fen, int(self.answers.get("tendered", 0) or 0))

    def _price_of(self, field_name: str) -> int | None:
        chosen = self.answers.get(field_name)
        if chosen is None:
            return None
        spec = next((s.input for s in self.procedure.steps if s.input and s.input.field == field_name), None)
        return next((o.amount_fen for o in self.options_for(spec) if o.value == chosen), None)

    def waivable_fees(self) -> list[FeeLine]:
        """Fees a supervisor may waive now: only at the cash step, before the commit."""
        spec = self.step.input
        if self.state != ACTIVE or self.committed is not None or spec is None or spec.kind != "cash":
            return []
        codes = {f.code for f in self.procedure.fees if f.waivable}
        return [line for line in self.fee_lines() if line.code in codes]

    def waive(self, staff_no: str, pin: str) -> list[FeeLine]:
        """减免: a supervisor's PIN at this PC waives the waivable fees (maker-checker, audited).

        The waiver and who granted it are kept with the transaction's answers and printed."""
        lines = self.waivable_fees()
        if not lines:
            raise InputRefused(t("waive.none"))
        granted = self.desk.authorize(staff_no, pin, action="fee_waiver", detail=",".join(line.code for line in lines))
        self.answers["waived_fees"] = [*self.answers.get("waived_fees", []), *(line.code for line in lines)]
        self.answers["waived_fen"] = self.answers.get("waived_fen", 0) + sum(line.amount_fen for line in lines)
        self.answers["waived_by"] = granted.staff_no
        return lines

    def _fee_inputs(self) -> set[str]:
        return {f.code for f in self.procedure.fees if f.input}
