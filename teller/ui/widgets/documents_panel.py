"""The documents the visit needs, beside the script: ticked as the steps that check them pass.

Alternatives (password or ID card) share a line; a second party's documents carry its name.
The screen calls `show(run)` whenever the run changes (attributes down)."""

from __future__ import annotations

from textual.widgets import Static

from teller.strings import t


class DocumentsPanel(Static):
    """所需证件: each document of the procedure with ✓ once checked, ☐ until then."""

    def on_mount(self) -> None:
        self.border_title = t("docs.title")

    def show(self, run) -> None:
        docs = run.documents() if run is not None else []
        self.display = bool(docs)
        if not docs:
            return
        labels = {}
        if any(d.party != "holder" for d in docs):
            labels = {label: label for label, _rows in run.parties()}
        lines: list[str] = []

        def mark(d) -> str:
            return f"[b green]✓[/] {d.label}" if d.checked else f"☐ {d.label}"

        for d in docs:
            if d.group == "all_of":
                lines.append(mark(d))
        alternatives = [d for d in docs if d.group == "any_of"]
        if alternatives:
            done = any(d.checked for d in alternatives)
            head = "[b green]✓[/] " if done else ""
            lines.append(head + f" {t('docs.or')} ".join(mark(d) for d in alternatives))
        if labels:
            lines.append(f"[dim]{t('docs.parties', parties='、'.join(labels))}[/dim]")
        lines.append(f"[dim]{t('docs.missing_key')}[/dim]")
        self.update("\n".join(lines))
