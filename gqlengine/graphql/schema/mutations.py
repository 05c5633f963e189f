"""Mutations: insert inputs (nested, on_conflict), update operators, `_mutation_response`, and each table's
insert/update/delete root fields."""

from __future__ import annotations

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLString,
)

from gqlengine.graphql.schema.outputs import OutputTypes
from gqlengine.graphql.schema.scalars import NUMERIC_UDTS, scalar_for
from gqlengine.graphql.schema.views import RoleSchema, RootField, TableView, mutation_perms
from gqlengine.metadata.model import TrackedTable


class MutationFields(OutputTypes):
    """Insert, update and delete: their input types and root fields."""

    def _input(
        self, name: str, t: TrackedTable, cols: list[str], description: str, required: bool = False
    ) -> GraphQLInputObjectType:
        if name not in self.inputs:
            fields = {}
            for c in cols:
                s = self.column_scalar(t, c)
                fields[c] = GraphQLInputField(GraphQLNonNull(s) if required else s)
            self.inputs[name] = GraphQLInputObjectType(name, fields, description=description)
        return self.inputs[name]

    def insert_input(self, t: TrackedTable) -> GraphQLInputObjectType | None:
        """`t_insert_input`: the role's insertable columns, and a field per relationship to a table the role
        may insert into (`{data, on_conflict}`: nested inserts). None when the role may not insert."""
        name = f"{t.gql_name}_insert_input"
        if name in self.inputs:
            return self.inputs[name]
        perms = mutation_perms(t, self.role, self.backend)
        if "insert" not in perms or not perms["insert"]["columns"] or not t.table.updatable & 8:
            return None
        cols = perms["insert"]["columns"]

        def fields() -> dict[str, GraphQLInputField]:
            out = {c: GraphQLInputField(self.column_scalar(t, c)) for c in cols}
            for rel in t.relationships.values():
                target = self.model.tables.get(rel.target)
                inner = self.insert_input(target) if target is not None else None
                if target is None or inner is None:
                    continue
                out[rel.name] = GraphQLInputField(self.rel_insert_input(target, rel.kind, inner))
            return out

        self.inputs[name] = GraphQLInputObjectType(
            name, fields, description=f'input type for inserting data into table "{t.name}"'
        )
        return self.inputs[name]

    def rel_insert_input(
        self, t: TrackedTable, kind: str, inner: GraphQLInputObjectType
    ) -> GraphQLInputObjectType:
        short = "obj" if kind == "object" else "arr"
        name = f"{t.gql_name}_{short}_rel_insert_input"
        if name not in self.inputs:
            data = (
                GraphQLNonNull(inner)
                if kind == "object"
                else GraphQLNonNull(GraphQLList(GraphQLNonNull(inner)))
            )
            fields: dict[str, GraphQLInputField] = {"data": GraphQLInputField(data)}
            perms = mutation_perms(t, self.role, self.backend)
            if "update" in perms:
                conflict = self.on_conflict(t, self.views.get(t.key), perms["update"]["columns"])
                if conflict is not None:
                    fields["on_conflict"] = GraphQLInputField(conflict, description="upsert condition")
            self.inputs[name] = GraphQLInputObjectType(
                name,
                fields,
                description=f'input type for inserting {kind} relation for remote table "{t.name}"',
            )
        return self.inputs[name]

    def mutation_response(self, t: TrackedTable, sel: TableView | None) -> GraphQLObjectType:
        name = f"{t.gql_name}_mutation_response"
        if name not in self.objects:
            f: dict[str, GraphQLField] = {
                "affected_rows": GraphQLField(
                    GraphQLNonNull(GraphQLInt), description="number of rows affected by the mutation"
                )
            }
            if sel is not None and sel.selectable:
                f["returning"] = GraphQLField(
                    GraphQLNonNull(GraphQLList(GraphQLNonNull(self.object(sel)))),
                    description="data from the rows affected by the mutation",
                )
            self.objects[name] = GraphQLObjectType(
                name, f, description=f'response of any mutation on the table "{t.name}"'
            )
        return self.objects[name]

    def on_conflict(
        self, t: TrackedTable, sel: TableView | None, update_cols: list[str]
    ) -> GraphQLInputObjectType | None:
        """`t_on_conflict`: only for a table with unique constraints and a role that may update it."""
        g = t.gql_name
        cons = t.table.unique_constraints
        if not cons:
            return None
        name = f"{g}_on_conflict"
        if name in self.inputs:
            return self.inputs[name]
        constraint = GraphQLEnumType(
            f"{g}_constraint",
            {
                c: GraphQLEnumValue(
                    c, description=f"unique or primary key constraint on columns {', '.join(map(repr, cols))}"
                )
                for c, cols in sorted(cons.items())
            },
            description=f'unique or primary key constraints on table "{t.name}"',
        )
        columns = GraphQLEnumType(
            f"{g}_update_column",
            {c: GraphQLEnumValue(c, description="column name") for c in update_cols}
            or {"_PLACEHOLDER": GraphQLEnumValue("_PLACEHOLDER", description="placeholder (do not use)")},
            description=f'update columns of table "{t.name}"',
        )
        fields: dict[str, GraphQLInputField] = {
            "constraint": GraphQLInputField(GraphQLNonNull(constraint)),
            "update_columns": GraphQLInputField(
                GraphQLNonNull(GraphQLList(GraphQLNonNull(columns))), default_value=[]
            ),
        }
        if sel is not None and sel.selectable:
            fields["where"] = GraphQLInputField(self.bool_exp(sel))
        self.inputs[name] = GraphQLInputObjectType(
            name, fields, description=f'on_conflict condition type for table "{t.name}"'
        )
        return self.inputs[name]

    def update_ops(self, t: TrackedTable, cols: list[str]) -> dict[str, GraphQLInputObjectType]:
        """The update operators of a role: `_set`, `_inc` (numeric columns), and the jsonb operators."""
        g = t.gql_name
        ops = {
            "_set": self._input(
                f"{g}_set_input", t, cols, f'input type for updating data in table "{t.name}"'
            )
        }
        inc = [c for c in cols if t.table.columns[c].udt in NUMERIC_UDTS]
        if inc:
            ops["_inc"] = self._input(
                f"{g}_inc_input", t, inc, f'input type for incrementing numeric columns in table "{t.name}"'
            )
        jsonb = [c for c in cols if t.table.columns[c].udt == "jsonb"]
        if jsonb:
            kinds: list[tuple[str, str, GraphQLInputType, str]] = [
                ("_append", "append_input", scalar_for("jsonb"), "append existing jsonb value"),
                ("_prepend", "prepend_input", scalar_for("jsonb"), "prepend existing jsonb value"),
                ("_delete_key", "delete_key_input", GraphQLString, "delete key/value pair or string element"),
                (
                    "_delete_elem",
                    "delete_elem_input",
                    GraphQLInt,
                    "delete the array element with specified index",
                ),
                (
                    "_delete_at_path",
                    "delete_at_path_input",
                    GraphQLList(GraphQLNonNull(GraphQLString)),
                    "delete the field or element with specified path",
                ),
            ]
            for arg, suffix, typ, what in kinds:
                name = f"{g}_{suffix}"
                if name not in self.inputs:
                    self.inputs[name] = GraphQLInputObjectType(
                        name,
                        {c: GraphQLInputField(typ) for c in jsonb},
                        description=f"{what} of filtered columns with given value",
                    )
                ops[arg] = self.inputs[name]
        return ops

    def table_mutations(self, rs: RoleSchema, mfields: dict[str, GraphQLField]) -> None:
        for key, t in sorted(self.model.tables.items(), key=lambda kv: kv[1].gql_name):
            if t.table.kind not in ("r", "p", "v", "f"):
                continue
            # Views (and foreign tables) take the mutations PostgreSQL can run on them.
            allowed = {"insert": 8, "update": 4, "delete": 16}
            perms = {
                k: p
                for k, p in mutation_perms(t, self.role, self.backend).items()
                if t.table.updatable & allowed[k]
            }
            sel = self.views.get(key)
            g = t.gql_name
            pk = t.table.primary_key
            one = sel is not None and sel.selectable
            for kind, perm in perms.items():
                rs.mutation_perms[(key, kind)] = perm
            ins = self.insert_input(t) if "insert" in perms else None
            if ins is not None:
                conflict = self.on_conflict(t, sel, perms["update"]["columns"]) if "update" in perms else None
                extra = {"on_conflict": GraphQLArgument(conflict)} if conflict is not None else {}
                mfields[t.root_fields["insert"]] = GraphQLField(
                    self.mutation_response(t, sel),
                    args={
                        "objects": GraphQLArgument(GraphQLNonNull(GraphQLList(GraphQLNonNull(ins)))),
                        **extra,
                    },
                    description=t.root_field_description("insert", f'insert data into the table: "{t.name}"'),
                )
                rs.mutation_fields[t.root_fields["insert"]] = RootField("insert", key)
                if one:
                    mfields[t.root_fields["insert_one"]] = GraphQLField(
                        self.object(sel),  # type: ignore[arg-type]
                        args={"object": GraphQLArgument(GraphQLNonNull(ins)), **extra},
                        description=t.root_field_description(
                            "insert_one", f'insert a single row into the table: "{t.name}"'
                        ),
                    )
                    rs.mutation_fields[t.root_fields["insert_one"]] = RootField("insert_one", key)
            if sel is None:
                continue  # update and delete filter rows with the select permission's bool_exp
            pk_args = {c: GraphQLArgument(GraphQLNonNull(self.column_scalar(t, c))) for c in pk}
            if "update" in perms and perms["update"]["columns"]:
                ops = self.update_ops(t, perms["update"]["columns"])
                args = {op: GraphQLArgument(typ) for op, typ in ops.items()}
                mfields[t.root_fields["update"]] = GraphQLField(
                    self.mutation_response(t, sel),
                    args={**args, "where": GraphQLArgument(GraphQLNonNull(self.bool_exp(sel)))},
                    description=t.root_field_description("update", f'update data of the table: "{t.name}"'),
                )
                rs.mutation_fields[t.root_fields["update"]] = RootField("update", key)
                updates = GraphQLInputObjectType(
                    f"{g}_updates",
                    {
                        **{op: GraphQLInputField(typ) for op, typ in ops.items()},
                        "where": GraphQLInputField(
                            GraphQLNonNull(self.bool_exp(sel)),
                            description="filter the rows which have to be updated",
                        ),
                    },
                )
                mfields[t.root_fields["update_many"]] = GraphQLField(
                    GraphQLList(self.mutation_response(t, sel)),
                    args={"updates": GraphQLArgument(GraphQLNonNull(GraphQLList(GraphQLNonNull(updates))))},
                    description=t.root_field_description(
                        "update_many", f'update multiples rows of table: "{t.name}"'
                    ),
                )
                rs.mutation_fields[t.root_fields["update_many"]] = RootField("update_many", key)
                if pk and one:
                    pkc = self._input(
                        f"{g}_pk_columns_input", t, pk, f"primary key columns input for table: {t.name}", True
                    )
                    mfields[t.root_fields["update_by_pk"]] = GraphQLField(
                        self.object(sel),
                        args={**args, "pk_columns": GraphQLArgument(GraphQLNonNull(pkc))},
                        description=t.root_field_description(
                            "update_by_pk", f'update single row of the table: "{t.name}"'
                        ),
                    )
                    rs.mutation_fields[t.root_fields["update_by_pk"]] = RootField("update_by_pk", key)
            if "delete" in perms:
                mfields[t.root_fields["delete"]] = GraphQLField(
                    self.mutation_response(t, sel),
                    args={"where": GraphQLArgument(GraphQLNonNull(self.bool_exp(sel)))},
                    description=t.root_field_description("delete", f'delete data from the table: "{t.name}"'),
                )
                rs.mutation_fields[t.root_fields["delete"]] = RootField("delete", key)
                if pk and one:
                    mfields[t.root_fields["delete_by_pk"]] = GraphQLField(
                        self.object(sel),
                        args=pk_args,
                        description=t.root_field_description(
                            "delete_by_pk", f'delete single row from the table: "{t.name}"'
                        ),
                    )
                    rs.mutation_fields[t.root_fields["delete_by_pk"]] = RootField("delete_by_pk", key)
