"""The parameters a procedure gives a generic operation (`effect: [{op, params, when}]`).

Each generic operation declares its `params` as a model of this base: unknown keys are
errors, and the loader checks them when the file loads (every problem as file:line:field).
`references()` names the answer fields and fee codes the parameters point at, so the loader
can check that the procedure has them. Pydantic only: no database, no procedures package.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def references(self) -> list[tuple[tuple, str, str]]:
        """(where in params, "field" or "fee", name) of each answer field or fee named here."""
        return []


class Label(Params):
    """A name in both locales (`zh` required, `en` falls back to it), as the procedure gives it."""

    zh: str = Field(min_length=1, max_length=40)
    en: str | None = Field(default=None, max_length=60)

    def text(self) -> str:
        from teller.strings import pick

        return pick({"zh": self.zh, "en": self.en or self.zh})


def _to_fen(value: Any) -> int:
    """Quoted yuan with at most two decimals ("5", "5.00"), as fees are written."""
    if isinstance(value, (bool, float)) or not isinstance(value, (int, str)):
        raise ValueError('write amounts as quoted yuan strings, e.g. "5.00"')
    from teller.domain.money import parse_yuan
    from teller.errors import InputRefused

    try:
        return parse_yuan(str(value), what="amount")
    except InputRefused as exc:
        raise ValueError(f"bad amount {value!r}: {exc.message}") from None


Amount = Annotated[
    int,
    BeforeValidator(_to_fen),
    WithJsonSchema({"type": "string", "pattern": r"^[0-9]+(\.[0-9]{1,2})?$", "description": 'yuan, quoted: "5.00"'}),
]
