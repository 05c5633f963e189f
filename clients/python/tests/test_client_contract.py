"""The client's exceptions stay equal to the server's documented codes."""

from __future__ import annotations

import re
from pathlib import Path

import credits_client
from credits_client.errors import CREDIT_CODES, CREDIT_ERRORS, ERRORS_BY_CODE, CreditsError

DOCS = Path(__file__).resolve().parents[3] / "docs"


def documented_credit_codes() -> set[str]:
    """The code column of the error table in docs/credit-core.md (a cell may list several codes)."""
    text = (DOCS / "credit-core.md").read_text()
    table = text.split("This is the one list of codes:", 1)[1].lstrip("\n").split("\n\n", 1)[0]
    codes: set[str] = set()
    for line in table.splitlines()[2:]:
        first_cell = line.split("|")[1]
        codes.update(re.findall(r"\b[A-Z][A-Z_]+[A-Z]\b", first_cell))
    return codes


def test_one_exception_per_code_of_the_credit_core_table() -> None:
    assert documented_credit_codes() == CREDIT_CODES
    assert len(CREDIT_ERRORS) == len(CREDIT_CODES)


def test_the_service_codes_of_docs_actions_have_exceptions() -> None:
    text = (DOCS / "actions.md").read_text()
    table = text.split("| code | when |", 1)[1].split("\n\n", 1)[0]
    service_codes = set(re.findall(r"^\| `([A-Z_]+)` \|", table, flags=re.MULTILINE))
    assert {"INVALID_INPUT", "FORBIDDEN", "UNAUTHORIZED", "INTERNAL_ERROR"} <= service_codes
    assert service_codes <= set(ERRORS_BY_CODE)


def test_every_exception_is_exported_under_one_base() -> None:
    for cls in set(ERRORS_BY_CODE.values()):
        assert issubclass(cls, CreditsError)
        assert getattr(credits_client, cls.__name__) is cls
