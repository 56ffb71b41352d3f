"""Documents, parties and refusals: documents the console knows and the steps that tick them,
the second party's fields, refusals whose check exists and is used."""

from __future__ import annotations

from teller.procedures.schema import Procedure
from teller.procedures.semantics.findings import WARNING, Finding, suggest
from teller.procedures.semantics.flow import Flow


def check_documents_and_parties(proc: Procedure, flow: Flow) -> list[Finding]:
    from teller.domain.checks import CHECKS
    from teller.procedures.documents import KNOWN, found_steps

    out: list[Finding] = []
    steps = {s.id: s for s in proc.steps}
    inputs = {s.input.field for s in proc.steps if s.input}
    gates = [s.id for s in proc.steps if s.kind == "gate"]
    missing = proc.documents.missing
    if missing is not None and missing not in gates:
        out.append(Finding(("documents", "missing"), f"`missing` names no gate: {missing!r}{suggest(missing, gates)}; it is the gate whose line stops the visit when a document is missing"))
    parties = {"holder"} | flow.secondary | ({"party"} if proc.party else set())
    for group in ("all_of", "any_of"):
        for j, doc in enumerate(getattr(proc.documents, group)):
            if isinstance(doc, str):
                if doc not in KNOWN:
                    out.append(Finding(("documents", group, j), f"document {doc!r} is not one the console knows ({', '.join(sorted(KNOWN))}){suggest(doc, KNOWN)}: write it as {{id: {doc}, label: {{zh: ...}}, checked_by: [step]}} so the clerk sees it ticked", WARNING))
                elif not found_steps(proc, doc):
                    out.append(Finding(("documents", group, j), f"no step of this procedure checks {doc!r}: it is shown but never ticked; name the steps with `checked_by`", WARNING))
                continue
            loc = ("documents", group, j)
            for k, name in enumerate(doc.checked_by):
                step = steps.get(name)
                if step is None or step.input is None:
                    known = [s.id for s in proc.steps if s.input]
                    out.append(Finding((*loc, "checked_by", k), f"checked_by names no input step: {name!r}{suggest(name, known)}"))
            if not doc.checked_by and doc.id not in KNOWN:
                out.append(Finding(loc, f"document {doc.id!r} names no step that checks it (`checked_by`): it is never ticked", WARNING))
            elif not doc.checked_by and not found_steps(proc, doc.id):
                out.append(Finding(loc, f"no step of this procedure checks {doc.id!r}: name the steps with `checked_by`", WARNING))
            if doc.party not in parties:
                out.append(Finding((*loc, "party"), f"party {doc.party!r} is not in this procedure (holder{', party' if proc.party else ''}{''.join(', ' + p for p in sorted(flow.secondary))}){'' if proc.party else '; a second party needs `party:` at the top'}"))
    if proc.party is not None:
        for key in ("name", "id_number", "number"):
            field_ = getattr(proc.party, key)
            if field_ is not None and field_ not in inputs:
                out.append(Finding(("party", key), f"party.{key} names no input field: {field_!r}{suggest(field_, inputs)}"))
    used = {name for s in proc.steps for name in s.checks}
    for name in proc.refusals:
        if name not in CHECKS:
            out.append(Finding(("refusals", name), f"no check {name!r}{suggest(name, CHECKS)}: its refusal would never be said"))
        elif name not in used:
            out.append(Finding(("refusals", name), f"no step uses the check {name!r}: this refusal is never said", WARNING))
    return out
