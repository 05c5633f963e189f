"""docs/permissions.md, rendered from the matrix: `python -m tests.permissions.render` writes it again.

tests/permissions/test_docs.py fails while the checked-in page differs from what this renders.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .matrix import ADMIN, ROLES, Matrix, Table, load

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
SESSION_ORG = "X-Hasura-Organization-Id"
NONE = "—"
OPS = ("select", "insert", "update")
WORDS = {"select": "read", "insert": "insert", "update": "update"}

HEADER = f"""# Permissions

Who may read and write what, role by role: every tracked table and view, every column, every action.
Rendered from `tests/permissions/matrix.yaml` by `python -m tests.permissions.render`; edit the matrix,
not this page. `hasura/metadata` must grant exactly the matrix
(`tests/permissions/test_metadata_matches_matrix.py`), and the API must behave so:
`tests/permissions/test_tables_behaviour.py` and `test_actions_behaviour.py` try every table × role ×
operation × column and every action × role through GraphQL, with a JWT of one organization, and check in
the database that allowed writes land only in that organization's rows and refused ones change nothing.

Roles: `anonymous` (no token: what a pricing page shows), `viewer`, `member`, `org_admin`, `owner` (users of
the organization named by the JWT's `x-hasura-organization-id`), `service` (the app backend of that
organization: actions only), `{ADMIN}` (operators: bypasses permissions, reads every column of every table
and view, writes every column of every table but those the database generates, calls every action). A role
a table does not mention has no access to it. End users never move credits except through the actions
below.
"""


def _code(value: object) -> str:
    return f"`{json.dumps(value, separators=(', ', ': '))}`"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _cell(ops: frozenset[str]) -> str:
    return " + ".join(WORDS[op] for op in OPS if op in ops) or NONE


def _actions(m: Matrix) -> list[str]:
    lines = ["## Actions", "", _row(["action", *ROLES, ADMIN]), _row(["---"] * (len(ROLES) + 2))]
    for action, roles in m.actions.items():
        lines.append(_row([f"`{action}`", *("call" if r in roles else NONE for r in ROLES), "call"]))
    return [*lines, ""]


def _scope(t: Table, scope: str) -> str:
    return f"{scope} (`{t.rows[scope].sql.replace('$1', SESSION_ORG)}`)"


def _by_scope(t: Table, grants: dict[str, str]) -> str:
    scopes: dict[str, list[str]] = {}
    for role, scope in grants.items():
        scopes.setdefault(scope, []).append(role)
    return "; ".join(f"{', '.join(roles)}: {_scope(t, s)}" for s, roles in scopes.items())


def _table(name: str, t: Table) -> list[str]:
    kind = " (view)" if t.kind == "view" else ""
    lines = [f"### `{name}`{kind}", "", f"{t.about[0].upper()}{t.about[1:]}.", ""]
    if t.select:
        extras = [f"at most {t.limit} rows per query"] if t.limit else []
        extras.append("aggregates allowed" if t.aggregations else "no aggregates")
        lines.append(f"- Reads: {_by_scope(t, t.select)} ({', '.join(extras)}).")
    else:
        lines.append(f"- Reads: {ADMIN} only.")
    for op, grants in (("Inserts", t.insert), ("Updates", t.update)):
        if not grants:
            lines.append(f"- {op}: nobody but {ADMIN}.")
            continue
        parts = []
        for role, w in grants.items():
            text = f"{role}: {_scope(t, w.rows)}"
            if w.set:
                text += ", presets " + ", ".join(f"`{c}` = `{v}`" for c, v in w.set.items())
            if w.check is not None:
                text += f", check {_code(w.check)}"
            parts.append(text)
        lines.append(f"- {op}: {'; '.join(parts)}.")
    deletes = _by_scope(t, t.delete) if t.delete else f"nobody but {ADMIN}"
    lines += [f"- Deletes: {deletes}.", "", _row(["column", *ROLES]), _row(["---"] * (len(ROLES) + 1))]
    for column, grid in t.columns.items():
        lines.append(_row([f"`{column}`", *(_cell(grid.cells[r]) for r in ROLES)]))
    for column, grid in t.computed.items():
        lines.append(_row([f"`{column}` (computed)", *(_cell(grid.cells[r]) for r in ROLES)]))
    return [*lines, ""]


def render(m: Matrix | None = None) -> str:
    m = m or load()
    lines = [HEADER, *_actions(m), "## Tables and views", ""]
    for name, t in m.tables.items():
        lines += _table(name, t)
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    DOC.write_text(render())
    print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
