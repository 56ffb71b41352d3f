"""The documents and parties of a visit: which documents are checked, the gate when one is
missing, and the parties (the customer and others) a procedure names.

A part of teller.procedures.engine.Run (a mixin: its methods use the run's procedure, answers,
customer and desk).
"""

from __future__ import annotations

from teller.domain import rules
from teller.procedures.run_values import ACTIVE, DOCUMENTS_MISSING, STOPPED, DocumentState
from teller.strings import pick


class RunParties:
    """The documents and parties of a visit: which documents are checked, the gate when one is."""

    def documents(self) -> list[DocumentState]:
        """The procedure's documents, each ticked once every step that checks it has its answer."""
        from teller.procedures.documents import needed

        fields = {s.id: s.input.field for s in self.procedure.steps if s.input}
        out = []
        for doc in needed(self.procedure):
            done = bool(doc.steps) and all(fields.get(step) in self.answers for step in doc.steps) and self.holds(doc.when)
            out.append(DocumentState(doc.id, pick(doc.label), doc.party, doc.group, done))
        return out

    def documents_missing(self) -> bool:
        """The clerk says a document is missing: the visit stops with the procedure's line (its
        `documents.missing` gate), else the console's. Only before the commit; Esc takes it back."""
        if self.state != ACTIVE or self.committed is not None:
            return False
        self.history.append(self.index)
        gate = self.procedure.documents.missing
        if gate:
            self.index = self._index_of(gate)
            self.state, self.stop_code = STOPPED, self.step.stop or DOCUMENTS_MISSING
        else:
            self.state, self.stop_code = STOPPED, DOCUMENTS_MISSING
        return True

    def parties(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The other parties of the visit beside the customer: (label, [(what, value)]) each;
        a secondary account (`lookup: account`) and the procedure's `party` (new owner, agent)."""
        out = []
        for step in self.procedure.steps:
            spec = step.input
            if spec is None or spec.lookup != "account":
                continue
            label = pick(spec.label.as_dict()) if spec.label else spec.field
            acct = self.accounts.get(spec.field)
            rows = [("party.number", acct.number), ("party.name", acct.masked_name), ("party.status", acct.status_text)] if acct else [("party.number", str(self.answers.get(spec.field, "—")))]
            out.append((label, rows))
        party = self.procedure.party
        if party is not None:
            a = self.answers
            rows = []
            if party.name:
                rows.append(("party.name", rules.mask_name(str(a[party.name])) if party.name in a else "—"))
            if party.id_number:
                rows.append(("party.id", rules.mask_id(str(a[party.id_number])) if party.id_number in a else "—"))
            if party.number:
                rows.append(("party.number", str(a.get(party.number, "—"))))
            out.append((pick(party.label.as_dict()), rows))
        return out
