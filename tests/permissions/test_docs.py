"""docs/permissions.md is the matrix as rendered now: it never drifts from what the tests enforce."""

from __future__ import annotations

from .render import DOC, render


def test_the_permissions_page_is_the_rendered_matrix():
    assert DOC.read_text() == render(), (
        "docs/permissions.md is stale: run `python -m tests.permissions.render`"
    )
