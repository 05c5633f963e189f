"""Shared pydantic types for action inputs and outputs.

Credit amounts cross the GraphQL boundary as the custom scalar `Credits`, serialized as a JSON *string*
holding the exact decimal ("12.50"). No float is ever produced: JavaScript clients would round large or
fractional values, and `numeric` as a JSON number is exactly the precision trap hasura-contract.md §8.3 warns
about. On input a string is preferred; a JSON number is also accepted because the request body is parsed with
`Decimal` for every number (actions.db.loads), so "12.5" and 12.5 mean the same exact value.
Whether an amount is allowed (sign, 2 decimals, |x| ≤ 1e9) is decided by SQL (INVALID_AMOUNT); here we only
refuse what is not a finite decimal number at all (INVALID_INPUT).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    Strict,
    WithJsonSchema,
    model_validator,
)
from pydantic.alias_generators import to_camel

# Longest decimal text accepted; and the exponent bound keeps absurd values ("1e999999999") from being
# expanded into huge numeric digit arrays before SQL gets to refuse them.
_MAX_TEXT = 64
_MAX_EXPONENT = 30


def parse_credits(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError('must be a decimal number such as "12.50", not a boolean')
    if isinstance(value, float):
        raise ValueError('must be a decimal string such as "12.50" (floats lose precision)')
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not text or len(text) > _MAX_TEXT:
            raise ValueError('must be a decimal number such as "12.50"')
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError('must be a decimal number such as "12.50"') from None
    else:
        raise ValueError('must be a decimal number such as "12.50"')
    if not number.is_finite():
        raise ValueError("must be a finite number")
    if number != 0 and abs(number.adjusted()) > _MAX_EXPONENT:
        raise ValueError("is out of range")
    return number


_CENTS = Decimal("0.01")


def format_credits(value: Decimal) -> str:
    """Exact text with at least two decimals ("0" -> "0.00"); more digits are kept, never rounded away."""
    if value.as_tuple().exponent >= -2:  # type: ignore[operator]
        value = value.quantize(_CENTS)
    return format(value, "f")


Credits = Annotated[
    Decimal,
    PlainValidator(parse_credits),
    PlainSerializer(format_credits, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}),
]


def _decimal_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ValueError("must be a decimal number")
    return format(Decimal(value), "f")


# A non-credit exact decimal from SQL (e.g. a USD cost), carried as its full text: a GraphQL String.
DecimalText = Annotated[str, BeforeValidator(_decimal_text)]


# GraphQL Int: a JSON integer within 32 bits (no strings, booleans or 1.0), as Hasura would have checked.
GraphQLInt = Annotated[int, Strict(), Field(ge=-(2**31), le=2**31 - 1)]


def _check_text(value: Any, path: str) -> None:
    """Refuse text PostgreSQL cannot store (NUL, lone surrogates), anywhere in the input, with its path."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"{path or 'input'}: text is not valid Unicode") from None
        if "\x00" in value:
            raise ValueError(f"{path or 'input'}: text contains a NUL character")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, path)
            _check_text(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_text(item, f"{path}[{index}]")


class InputModel(BaseModel):
    """Action arguments: camelCase names as in actions.graphql; unknown fields ignored (Hasura validated)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        # Otherwise the database refuses them with an unexpected error (a 500) instead of a 400.
        _check_text(data, "")
        return data


class OutputModel(BaseModel):
    """Action results: serialized by alias (camelCase) with exactly the fields of the GraphQL type."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)
