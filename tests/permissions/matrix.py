"""The intended permission matrix (matrix.yaml), read and checked into typed form.

`Matrix.grants()` states it in the same normalized shape `effective.grants()` derives from hasura/metadata,
so the two compare with `==` and every difference names its table, role, operation and column.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

HERE = Path(__file__).parent
MATRIX_FILE = HERE / "matrix.yaml"

# The roles metadata grants to, in the order of the grid's cells. `admin` bypasses permissions.
ROLES = ("anonymous", "viewer", "member", "org_admin", "owner", "service")
ADMIN = "admin"
CELL_LETTERS = {"s": "select", "i": "insert", "u": "update"}

Role = Literal["anonymous", "viewer", "member", "org_admin", "owner", "service"]
JSON = Any


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rows(Strict):
    """A row scope: the Hasura filter, and the same rows in SQL ($1 = the session's organization)."""

    filter: dict[str, JSON]
    sql: str


class Write(Strict):
    rows: str
    set: dict[str, str] = Field(default_factory=dict)
    check: dict[str, JSON] | None = None  # default: the scope's filter


class Grid(Strict):
    """One column's cells: the operations each role may do on it."""

    cells: dict[str, frozenset[str]]

    @classmethod
    def parse(cls, column: str, text: str) -> Grid:
        tokens = str(text).split()
        if len(tokens) != len(ROLES):
            raise ValueError(f"{column}: {len(tokens)} cells, expected one per role {ROLES}")
        cells: dict[str, frozenset[str]] = {}
        for role, token in zip(ROLES, tokens, strict=True):
            if token == ".":
                cells[role] = frozenset()
                continue
            unknown = set(token) - set(CELL_LETTERS)
            if unknown:
                raise ValueError(f"{column}: cell {token!r} of {role} has letters other than s, i, u")
            cells[role] = frozenset(CELL_LETTERS[c] for c in token)
        return cls(cells=cells)


class Table(Strict):
    about: str
    kind: Literal["table", "view"] = "table"
    key: list[str] | None = None  # views only: the columns that identify a row
    rows: dict[str, Rows] = Field(default_factory=dict)
    select: dict[Role, str] = Field(default_factory=dict)
    limit: int | None = None
    aggregations: bool = False
    insert: dict[Role, Write] = Field(default_factory=dict)
    update: dict[Role, Write] = Field(default_factory=dict)
    delete: dict[Role, str] = Field(default_factory=dict)
    columns: dict[str, Grid]
    computed: dict[str, Grid] = Field(default_factory=dict)

    @field_validator("columns", "computed", mode="before")
    @classmethod
    def _grids(cls, value: JSON) -> JSON:
        return {name: Grid.parse(name, text) for name, text in (value or {}).items()}

    @model_validator(mode="after")
    def _consistent(self) -> Table:
        problems: list[str] = []
        scopes = [*self.select.values(), *(w.rows for w in self.insert.values())]
        scopes += [*(w.rows for w in self.update.values()), *self.delete.values()]
        problems += [f"unknown row scope {s!r}" for s in scopes if s not in self.rows]
        for name, grid in self.computed.items():
            if any(ops - {"select"} for ops in grid.cells.values()):
                problems.append(f"computed field {name} can only be selected")
        for op, granted in (("select", self.select), ("insert", self.insert), ("update", self.update)):
            for role in ROLES:
                has_column = any(op in grid.cells[role] for grid in self.all_fields().values())
                if has_column != (role in granted):
                    problems.append(
                        f"{role}: {op} is given on columns but not in `{op}:`"
                        if has_column
                        else f"{role}: `{op}:` is given but no column has {op[0]!r}"
                    )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def all_fields(self) -> dict[str, Grid]:
        return {**self.columns, **self.computed}

    def columns_for(self, role: str, op: str) -> list[str]:
        return [c for c, grid in self.columns.items() if op in grid.cells[role]]

    def computed_for(self, role: str) -> list[str]:
        return [c for c, grid in self.computed.items() if "select" in grid.cells[role]]


class Matrix(Strict):
    roles: list[str]
    tables: dict[str, Table]
    actions: dict[str, list[Role]]

    @model_validator(mode="after")
    def _roles_in_order(self) -> Matrix:
        if tuple(self.roles) != ROLES:
            raise ValueError(f"roles must be {list(ROLES)} (the grid's cell order)")
        return self

    def grants(self) -> dict[str, dict[str, dict[str, JSON]]]:
        """table -> role -> operation -> normalized permission (see effective.normalize)."""
        out: dict[str, dict[str, dict[str, JSON]]] = {}
        for name, t in self.tables.items():
            roles: dict[str, dict[str, JSON]] = {}
            for role in ROLES:
                ops: dict[str, JSON] = {}
                if role in t.select:
                    ops["select"] = {
                        "columns": sorted(t.columns_for(role, "select")),
                        "computed_fields": sorted(t.computed_for(role)),
                        "filter": t.rows[t.select[role]].filter,
                        "limit": t.limit,
                        "allow_aggregations": t.aggregations,
                    }
                if role in t.insert:
                    w = t.insert[role]
                    ops["insert"] = {
                        "columns": sorted(t.columns_for(role, "insert")),
                        "check": w.check if w.check is not None else t.rows[w.rows].filter,
                        "set": w.set,
                    }
                if role in t.update:
                    w = t.update[role]
                    ops["update"] = {
                        "columns": sorted(t.columns_for(role, "update")),
                        "filter": t.rows[w.rows].filter,
                        "check": w.check if w.check is not None else t.rows[w.rows].filter,
                        "set": w.set,
                    }
                if role in t.delete:
                    ops["delete"] = {"filter": t.rows[t.delete[role]].filter}
                if ops:
                    roles[role] = ops
            out[name] = roles
        return out


@cache
def load(path: Path = MATRIX_FILE) -> Matrix:
    return Matrix.model_validate(yaml.safe_load(path.read_text()))
