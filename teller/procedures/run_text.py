"""What a run says and shows: the placeholders of its lines, the lines rendered, what was said.

A part of teller.procedures.engine.Run (a mixin: its methods use the run's procedure, answers,
customer and desk).
"""

from __future__ import annotations

import re
from datetime import datetime

from teller.domain import rules
from teller.domain.billing import first_month_fee_fen
from teller.domain.money import spoken_yuan
from teller.procedures.run_values import DOCUMENTS_MISSING, STOPPED
from teller.procedures.schema import Step
from teller.strings import pick, t


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class RunText:
    """What a run says and shows: the placeholders of its lines, the lines rendered, what was said."""

    def placeholders(self) -> dict[str, str]:
        out: dict[str, str] = {
            "greeting": rules.greeting(self.desk.now()),
            "hall": self.desk.hall_name,
            "counter": self.desk.counter,
            "clerk": self.desk.clerk,
            "total": spoken_yuan(self.total_fen),
            "receipt_no": self.committed.receipt_no if self.committed else "",
        }
        out["hall.opens"], out["hall.closes"] = getattr(self.desk, "opening_hours", ("", ""))
        money_fields = {s.input.field for s in self.procedure.steps if s.input and s.input.kind in ("money", "cash")}
        money_fields |= self._fee_inputs()
        secret_fields = {s.input.field for s in self.procedure.steps if s.input and "password" in s.input.kind}
        for key, val in self.answers.items():
            if key in secret_fields:
                continue
            if isinstance(val, datetime):
                out[key] = val.strftime("%Y-%m-%d %H:%M")
                continue
            out[key] = spoken_yuan(val) if (key in money_fields or key == "change") and isinstance(val, int) else str(val)
        for line in self.fee_lines():
            out[line.code] = spoken_yuan(line.amount_fen)
        out.setdefault("change", "0")
        if self.customer:
            out.update(self.customer.placeholders())
        for name, account in self.accounts.items():
            out.update({f"{name}.{k.removeprefix('customer.')}": v for k, v in account.placeholders().items()})
        plan = self.plan
        if plan:
            out.update({"plan.name": plan.name, "plan.monthly_fee": spoken_yuan(plan.monthly_fee_fen), "plan.tariff": plan.tariff})
            out["plan.first_month_fee"] = spoken_yuan(first_month_fee_fen(plan.monthly_fee_fen, self.desk.now().date()))
        return out

    def render(self, text) -> str:
        if text is None:
            return ""
        values = self.placeholders()
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), pick(text.as_dict()))

    def said(self, step: Step):
        """The text a step says now: the first `instead` whose condition holds, else its `say`."""
        return next((alt.say for alt in step.instead if self.holds(alt.when)), step.say)

    @property
    def line(self) -> str:
        """The spoken line of the current step, placeholders filled. The next number of the same
        customer (a loop after a commit) is not greeted a second time. A stop for a missing
        document that names no gate says the console's own line."""
        if self.state == STOPPED and self.stop_code == DOCUMENTS_MISSING:
            return t("run.documents_missing")
        said = self.said(self.step)
        line = self.render(said)
        if self.visits and self.committed is None and said and "{greeting}" in pick(said.as_dict()):
            line = rules.without_greeting(line, rules.greeting(self.desk.now()))
        return line
