"""The footer of key bindings, without the memory it kept of every key it ever showed.

Textual's `Footer` recomposes whenever the screen's bindings change (a step, a refresh of
`check_action`), and binds each new `FooterKey` to its own `compact` reactive with
`data_bind`. Each binding adds a (key, setter) pair to the footer's watcher list, and the pairs
of removed keys are only dropped when `compact` itself changes, which it never does here. The
picker's footer lives all shift: it kept some 16 dead keys a visit, and the console's memory
grew all shift long (116 MB after forty payments and still growing; 98 MB and level since the
fifteenth with this class). `KeyFooter` drops the pairs of closed keys each time it recomposes.
"""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    """`Footer` that forgets the keys it has removed (see the module docstring)."""

    async def recompose(self) -> None:
        await super().recompose()
        self.forget_removed_keys()

    def forget_removed_keys(self) -> int:
        """Drop watcher entries whose key has been removed; returns how many were dropped."""
        watchers = getattr(self, "__watchers", None)  # Textual keeps them under this name (reactive._watch)
        if not isinstance(watchers, dict):
            return 0
        dropped = 0
        for entries in watchers.values():
            kept = [(node, callback) for node, callback in entries if not (node._closing or node._closed)]
            dropped += len(entries) - len(kept)
            entries[:] = kept
        return dropped
