"""Receipts: layouts as data -> print ops -> preview text and ESC/POS bytes -> a printer backend."""
