"""The Textual console. Thin: it renders a Run and forwards keys; rules live in the engine."""
