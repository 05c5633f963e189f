"""Mutations to SQL: insert (nested inserts, on_conflict), update and delete, and their answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from graphql.language import ast as gast

from gqlengine.graphql.compile.plan import (
    GQLError,
    InsertStep,
    MutationPlan,
    Param,
    json_object,
    q,
    qt,
    sql_str,
)
from gqlengine.graphql.compile.select import SelectCompiler
from gqlengine.graphql.schema import ADMIN

_JSONB_OPS = {
    "_append": ("{col} || {value}", "jsonb"),
    "_prepend": ("{value} || {col}", "jsonb"),
    "_delete_key": ("{col} - {value}", "text"),
    "_delete_elem": ("{col} - {value}", "integer"),
    "_delete_at_path": ("{col} #- {value}", "text[]"),
}


class MutationCompiler(SelectCompiler):
    """Mutations: insert, update, delete and their returning answers."""

    def mutation(self, rf: Any, args: dict[str, Any], nodes: list[gast.FieldNode]) -> MutationPlan:
        """One statement: `WITH m AS (INSERT|UPDATE|DELETE … RETURNING *) SELECT answer, failed checks`."""
        saved = (self.params, self.param_index)
        self.params, self.param_index = [], {}
        try:
            # Hasura reports database and check errors of an insert at its objects, of others at "$".
            path = "$"
            if rf.kind in ("insert", "insert_one"):
                path = f"$.selectionSet.{self.path[0]}.args.{'objects' if rf.kind == 'insert' else 'object'}"
                nested = self._nested_insert(rf, args, nodes, path)
                if nested is not None:
                    return nested
            sql, check_kind = self._mutation_sql(rf, args, nodes)
            return MutationPlan(sql, self.params, check_kind, path)
        finally:
            self.params, self.param_index = saved

    def _mutation_sql(self, rf: Any, args: dict[str, Any], nodes: list[gast.FieldNode]) -> tuple[str, str]:
        t = self.model.tables[rf.table]
        kind = rf.kind.split("_")[0]
        perm = self.rs.mutation_perms[(rf.table, kind)]
        table = t.table
        a = self.alias()
        sel = self.rs.views.get(rf.table)

        def cast(col: str) -> str:
            return table.columns[col].pg_type

        def where_for(pk_values: dict[str, Any] | None) -> str:
            conds = []
            if self.rs.role != ADMIN and perm["filter"]:
                conds.append(self.bool_exp(perm["filter"], t, a, perm=True, root_alias=a))
            if pk_values is not None:
                conds += [f"{a}.{q(c)} = {self.scalar(pk_values[c], cast(c))}" for c in table.primary_key]
            else:
                where = self.resolve(args.get("where"))
                if where:
                    conds.append(self.bool_exp(where, t, a, False, a, f"{self.args_path()}.where"))
            return " AND ".join(conds) or "true"

        presets = {c: self.scalar(v, cast(c), session_ok=True) for c, v in perm["set"].items()}
        if kind == "insert":
            objects = self.resolve(args.get("objects") if rf.kind == "insert" else [args.get("object")])
            if isinstance(objects, dict):  # GraphQL input coercion: one object where a list is expected
                objects = [objects]
            objects = [self.resolve(o) for o in objects or []]
            cols = [c for c in table.columns if any(c in o for o in objects) and c not in presets]
            cols += list(presets)
            if not objects:
                return f"SELECT ({self._mutation_answer(None, rf, nodes, sel)})::text, 0", "none"
            if not cols:
                stmt = f"INSERT INTO {qt(t.key)} AS {a} DEFAULT VALUES"
            else:
                values_rows: list[str] = []
                for o in objects:
                    vals = [
                        presets[c] if c in presets else (self.scalar(o[c], cast(c)) if c in o else "DEFAULT")
                        for c in cols
                    ]
                    values_rows.append("(" + ", ".join(vals) + ")")
                collist = ", ".join(q(c) for c in cols)
                stmt = f"INSERT INTO {qt(t.key)} AS {a} ({collist}) VALUES {', '.join(values_rows)}"
            stmt += self.on_conflict_sql(t, a, self.resolve(args.get("on_conflict")))
            # xmax = 0 tells a row this statement inserted from one an upsert updated.
            inserted = f"({a}.xmax = 0)" if table.kind in ("r", "p") else "true"  # views have no xmax
            stmt += f' RETURNING {a}.*, {inserted} AS "__inserted"'
        elif kind == "update":
            operators = ["_set", "_inc", *_JSONB_OPS]
            given = {op: self.resolve(args.get(op)) or {} for op in operators if op in args}
            seen: dict[str, int] = {}
            for operand in given.values():
                for col in operand:
                    seen[col] = seen.get(col, 0) + 1
            if repeated := [c for c, n in seen.items() if n > 1]:
                raise GQLError(
                    f"Column found in multiple operators: [{', '.join(repr(c) for c in repeated)}].",
                    path=f"$.selectionSet.{self.path[0]}.args",
                )
            if given and not any(given.values()) and not presets:
                # Operators given but all empty: nothing to change, as in Hasura (no statement runs).
                return f"SELECT ({self._mutation_answer(None, rf, nodes, sel)})::text, 0", "none"
            sets = []
            for col, v in (self.resolve(args.get("_set")) or {}).items():
                sets.append(f"{q(col)} = {self.scalar(v, cast(col))}")
            for col, v in (self.resolve(args.get("_inc")) or {}).items():
                sets.append(f"{q(col)} = {a}.{q(col)} + {self.scalar(v, cast(col))}")
            for op, (template, operand) in _JSONB_OPS.items():
                for col, v in (self.resolve(args.get(op)) or {}).items():
                    v = self.resolve(v)
                    if operand == "text[]":
                        value = self.array([v] if isinstance(v, str) else v, "text")
                    else:
                        value = self.scalar(v, operand)
                    sets.append(f"{q(col)} = " + template.format(col=f"{a}.{q(col)}", value=value))
            if not sets and not presets:
                raise GQLError(
                    "at least any one of _set, _inc, _append, _prepend, _delete_key, _delete_elem, "
                    "_delete_at_path is expected",
                    path=f"$.selectionSet.{self.path[0]}",
                )
            sets += [f"{q(c)} = {e}" for c, e in presets.items()]
            pk_values = self.resolve(args.get("pk_columns")) if rf.kind == "update_by_pk" else None
            where_sql = where_for(pk_values)
            stmt = f"UPDATE {qt(t.key)} AS {a} SET {', '.join(sets)} WHERE {where_sql} RETURNING {a}.*"
        else:
            pk_values = args if rf.kind == "delete_by_pk" else None
            stmt = f"DELETE FROM {qt(t.key)} AS {a} WHERE {where_for(pk_values)} RETURNING {a}.*"
        check = "0"
        if kind in ("insert", "update") and self.rs.role != ADMIN:
            r = self.alias()
            ok = self.bool_exp(perm["check"], t, r, perm=True, root_alias=r) if perm["check"] else "true"
            rows = "m"
            if kind == "insert" and "ON CONFLICT" in stmt and " DO UPDATE " in stmt:
                rows = "m0"
                # Rows the upsert updated answer to the update permission's check instead.
                upd = self.rs.mutation_perms[(rf.table, "update")]
                upd_ok = (
                    self.bool_exp(upd["check"], t, r, perm=True, root_alias=r) if upd["check"] else "true"
                )
                ok = f'CASE WHEN {r}."__inserted" THEN {ok} ELSE {upd_ok} END'
            if ok != "true":
                check = f"(SELECT count(*) FROM {rows} AS {r} WHERE NOT coalesce({ok}, false))"
        answer = self._mutation_answer("m", rf, nodes, sel)
        if kind == "insert":
            # m: the rows as the table's row type (computed fields take it); m0 also knows which were new.
            columns = ", ".join(q(c) for c in table.columns)
            return (
                f"WITH m0 AS ({stmt}), m AS (SELECT {columns} FROM m0) SELECT ({answer})::text, {check}",
                kind,
            )
        return f"WITH m AS ({stmt}) SELECT ({answer})::text, {check}", kind

    def _nested_insert(
        self, rf: Any, args: dict[str, Any], nodes: list[gast.FieldNode], path: str
    ) -> MutationPlan | None:
        """Inserts with relationship data: one statement per row, parents of object relationships first,
        children of array relationships after their parent (Hasura's order). None when nothing is nested."""
        t = self.model.tables[rf.table]
        objects = self.resolve(args.get("objects") if rf.kind == "insert" else [args.get("object")])
        if isinstance(objects, dict):
            objects = [objects]
        objects = [self.resolve(o) or {} for o in objects or []]
        if not any(k in t.relationships for o in objects for k in o):
            return None
        conflict = self.resolve(args.get("on_conflict"))
        steps: list[InsertStep] = []
        many = rf.kind == "insert"
        roots = [
            self._insert_row(t, o, conflict, steps, {}, f"{path}[{i}]" if many else path)
            for i, o in enumerate(objects)
        ]
        self.params, self.param_index = [], {}
        rows = self.param(Param("nested_rows", None))

        # Bound only if the selection asks for affected_rows (an unused parameter is an error).
        def count() -> str:
            return f"{self.param(Param('nested_count', None))}::text::int"

        answer = self._mutation_answer("m", rf, nodes, self.rs.views.get(rf.table), affected=count)
        sql = (
            f"WITH m AS (SELECT * FROM json_populate_recordset(NULL::{qt(t.key)}, {rows}::json)) "
            f"SELECT ({answer})::text, 0"
        )
        return MutationPlan(sql, self.params, "insert", path, steps, roots)

    def _after_parent(self, t: Any, rel: Any) -> bool:
        """Whether the related row needs this row first: an array relationship, or an object relationship
        whose foreign key is on the related table."""
        if rel.kind == "array":
            return True
        target = self.model.tables[rel.target].table
        remote = [r for _, r in rel.mapping]
        return any(fk.ref_table == t.key and fk.columns == remote for fk in target.foreign_keys)

    def _insert_row(
        self,
        t: Any,
        o: dict[str, Any],
        conflict: Any,
        steps: list[InsertStep],
        fixed: dict[str, Any],
        path: str,
    ) -> int:
        perm = self.rs.mutation_perms.get((t.key, "insert"))
        if perm is None:
            raise GQLError(f"no insert permission on {t.name}", "permission-error")
        given = [c for c in fixed if c in o]
        if given:
            raise GQLError(
                f"cannot insert {', '.join(json.dumps(c) for c in given)} columns as their values are "
                "already being determined by parent insert",
                "validation-failed",
                path,
            )
        refs: dict[str, tuple[int, str]] = dict(fixed)
        later: list[tuple[Any, list[Any], Any, str]] = []
        for name, value in o.items():
            rel = t.relationships.get(name)
            if rel is None:
                continue
            value = self.resolve(value) or {}
            data = self.resolve(value.get("data"))
            rel_conflict = self.resolve(value.get("on_conflict"))
            if data is None:
                continue
            target = self.model.tables[rel.target]
            if self._after_parent(t, rel):
                later.append(
                    (rel, data if isinstance(data, list) else [data], rel_conflict, f"{path}.{name}")
                )
            else:
                mine = [m for m, _ in rel.mapping if m in o]
                if mine:
                    raise GQLError(
                        f"cannot insert object relationship {json.dumps(name)} as "
                        f"{', '.join(json.dumps(c) for c in mine)} column values are already determined",
                        "validation-failed",
                        f"{path}.{name}",
                    )
                parent = self._insert_row(
                    target, self.resolve(data) or {}, rel_conflict, steps, {}, f"{path}.{name}.data"
                )
                for mine, theirs in rel.mapping:
                    refs[mine] = (parent, theirs)
        table = t.table
        self.params, self.param_index = [], {}
        a = self.alias()
        presets = {
            c: self.scalar(v, table.columns[c].pg_type, session_ok=True) for c, v in perm["set"].items()
        }
        values: dict[str, str] = {}
        for c in table.columns:
            cast = table.columns[c].pg_type
            if c in presets:
                values[c] = presets[c]
            elif c in refs:
                values[c] = f"{self.param(Param('ref', refs[c]))}::text::{cast}"
            elif c in o:
                values[c] = self.scalar(o[c], cast)
        if values:
            stmt = (
                f"INSERT INTO {qt(t.key)} AS {a} ({', '.join(q(c) for c in values)}) "
                f"VALUES ({', '.join(values.values())})"
            )
        else:
            stmt = f"INSERT INTO {qt(t.key)} AS {a} DEFAULT VALUES"
        stmt += self.on_conflict_sql(t, a, conflict)
        stmt += f" RETURNING {a}.*"
        check = "0"
        if self.rs.role != ADMIN and perm["check"]:
            r = self.alias()
            ok = self.bool_exp(perm["check"], t, r, perm=True, root_alias=r)
            check = f"(SELECT count(*) FROM m AS {r} WHERE NOT coalesce({ok}, false))"
        steps.append(
            InsertStep(
                f"WITH m AS ({stmt}) SELECT (SELECT row_to_json(m) FROM m)::text, {check}", self.params
            )
        )
        me = len(steps) - 1
        for rel, children, rel_conflict, rel_path in later:
            target = self.model.tables[rel.target]
            link = {theirs: (me, mine) for mine, theirs in rel.mapping}
            for j, child in enumerate(children):
                child_path = f"{rel_path}.data[{j}]" if rel.kind == "array" else f"{rel_path}.data"
                self._insert_row(target, self.resolve(child) or {}, rel_conflict, steps, link, child_path)
        return me

    def on_conflict_sql(self, t: Any, a: str, conflict: Any) -> str:
        """` ON CONFLICT ON CONSTRAINT c DO NOTHING | DO UPDATE SET … WHERE …` for an insert's on_conflict."""
        if not conflict:
            return ""
        constraint = self.resolve(conflict.get("constraint"))
        if constraint not in t.table.unique_constraints:
            raise GQLError(
                f"constraint {json.dumps(constraint)} for table {json.dumps(t.table.name)} does not exist",
                "constraint-error",
                f"{self.args_path()}.on_conflict",
            )
        update_columns = self.resolve(conflict.get("update_columns")) or []
        if isinstance(update_columns, str):  # input coercion: one column is a list of one
            update_columns = [update_columns]
        columns = [self.resolve(c) for c in update_columns]
        if "_PLACEHOLDER" in columns:  # the enum's stand-in when the role may update no column
            raise GQLError("erroneous column name", "validation-failed", f"{self.args_path()}.on_conflict")
        target = f" ON CONFLICT ON CONSTRAINT {q(constraint)}"
        if not columns:
            return target + " DO NOTHING"
        update = self.rs.mutation_perms[(t.key, "update")]
        presets = {
            c: self.scalar(v, t.table.columns[c].pg_type, session_ok=True) for c, v in update["set"].items()
        }
        sets = [f"{q(c)} = EXCLUDED.{q(c)}" for c in columns if c not in presets]
        sets += [f"{q(c)} = {e}" for c, e in presets.items()]
        conds = []
        if self.rs.role != ADMIN and update["filter"]:
            conds.append(self.bool_exp(update["filter"], t, a, perm=True, root_alias=a))
        where = self.resolve(conflict.get("where"))
        if where:
            conds.append(self.bool_exp(where, t, a, False, a, f"{self.args_path()}.on_conflict.where"))
        where_sql = f" WHERE {' AND '.join(conds)}" if conds else ""
        return f"{target} DO UPDATE SET {', '.join(sets)}{where_sql}"

    def _mutation_answer(
        self,
        source: str | None,
        rf: Any,
        nodes: list[gast.FieldNode],
        sel: Any,
        affected: Callable[[], str] | None = None,
    ) -> str:
        """The JSON answer over the modified rows `m` (None: nothing was modified).

        As in Hasura, the modified rows themselves are not filtered by the role's select permission (only its
        columns and the relationships' own permissions apply): the mutation's permission decided on them.
        """
        r = self.alias()
        if rf.kind.endswith(("_one", "_by_pk")):
            if source is None:
                return "NULL::json"
            return f"SELECT {self.row_json(sel, r, self.sub(nodes))} FROM {source} AS {r} LIMIT 1"
        pairs = []
        t = self.model.tables[rf.table]
        for key, fnodes in self.sub(nodes).items():
            name = fnodes[0].name.value
            if name == "__typename":
                pairs.append(f"{sql_str(key)}, {sql_str(t.gql_name + '_mutation_response')}")
            elif name == "affected_rows":
                count = affected() if affected else (f"(SELECT count(*) FROM {source})" if source else "0")
                pairs.append(f"{sql_str(key)}, {count}")
            elif name == "returning":
                if source is None:
                    pairs.append(f"{sql_str(key)}, '[]'::json")
                    continue
                rr = self.alias()
                pairs.append(
                    f"{sql_str(key)}, (SELECT coalesce(json_agg({self.row_json(sel, rr, self.sub(fnodes))}), "
                    f"'[]'::json) FROM {source} AS {rr})"
                )
        return f"SELECT {json_object(pairs)}"
