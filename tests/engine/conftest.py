"""A small schema of the engine tests' own (authors, articles, comments) with metadata written to a temp
directory, and an engine serving it through httpx's ASGI transport."""

from __future__ import annotations

import itertools
import os
import textwrap
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import jwt
import pytest

from devdb import pgserver
from gqlengine.graphql.auth import AuthConfig, JWTConfig
from gqlengine.graphql.execute import Engine, Settings
from gqlengine.server.app import create_app

ADMIN_SECRET = "engine-test-admin-secret"
JWT_KEY = "engine-test-jwt-key-0123456789abcdef0123456789"
_counter = itertools.count()

SCHEMA = """
create table author (
  id serial primary key, name text not null, bio text, is_active boolean not null default true,
  rating numeric(5,2), tags jsonb, org text not null, big bigint,
  created_at timestamptz not null default '2024-01-01T00:00:00Z');
create table article (
  id serial primary key, author_id int not null references author(id), title text not null,
  content text, views bigint not null default 0, published boolean not null default false);
create table comment (
  id serial primary key, article_id int not null references article(id), body text not null);
create table secret (id int primary key, value text not null);
create function author_published(a author) returns setof article language sql stable
  as $$ select * from article where author_id = a.id and published $$;
create function author_upper_name(a author) returns text language sql stable as $$ select upper(a.name) $$;
create function author_session_org(a author, hasura_session json) returns text language sql stable
  as $$ select hasura_session->>'x-hasura-org' $$;
insert into author (name, bio, is_active, rating, tags, org, big) values
  ('Ada', 'math', true, 4.50, '{"lang": ["en"], "level": 3}', 'acme', 9007199254740993),
  ('Bob', null, true, 3.25, '{"lang": ["fr"]}', 'acme', 1),
  ('Cyd', 'poet', false, null, null, 'globex', null),
  ('Dee', 'dev', true, 5.00, '{"level": 1}', 'globex', 2);
insert into article (author_id, title, content, views, published) values
  (1, 'Engines', 'about engines', 100, true),
  (1, 'Analytical', 'notes', 50, false),
  (2, 'Bonjour', 'salut', 10, true),
  (3, 'Poems', 'roses', 7, true),
  (4, 'Rust', 'crabs', 300, true),
  (4, 'Go', 'gophers', 200, false);
insert into comment (article_id, body) values (1, 'great'), (1, 'meh'), (3, 'bien'), (5, 'wow');
insert into secret values (1, 'hidden');
comment on table author is 'People who write';
comment on column author.name is 'Display name';
comment on function author_upper_name(author) is 'The name in capitals';
"""

TABLES = {
    "public_author.yaml": """
        table: {name: author, schema: public}
        array_relationships:
          - name: articles
            using: {foreign_key_constraint_on: {table: {name: article, schema: public}, column: author_id}}
        computed_fields:
          - name: upper_name
            definition: {function: {name: author_upper_name, schema: public}}
          - name: published
            definition: {function: {name: author_published, schema: public}}
          - name: session_org
            definition:
              function: {name: author_session_org, schema: public}
              session_argument: hasura_session
        select_permissions:
          - role: anonymous
            permission:
              columns: [id, name]
              filter: {is_active: {_eq: true}}
          - role: user
            permission:
              columns: [id, name, rating, tags, org, is_active, big, created_at]
              computed_fields: [upper_name, session_org, published]
              filter: {org: {_eq: X-Hasura-Org}}
              allow_aggregations: true
          - role: reader
            permission:
              columns: [id, name]
              filter: {id: {_in: X-Hasura-Author-Ids}}
              query_root_fields: [select]
          - role: fan
            permission:
              columns: [id, name]
              filter: {published: {views: {_gte: 100}}}
          - role: namesake
            permission:
              columns: [id, name]
              filter: {upper_name: {_eq: X-Hasura-Name}, session_org: {_eq: X-Hasura-Org}}
        insert_permissions:
          - role: user
            permission:
              columns: [name, bio, rating]
              set: {org: X-Hasura-Org}
              check: {rating: {_lte: 5}}
    """,
    "public_article.yaml": """
        table: {name: article, schema: public}
        object_relationships:
          - name: author
            using: {foreign_key_constraint_on: author_id}
        array_relationships:
          - name: comments
            using: {foreign_key_constraint_on: {table: {name: comment, schema: public}, column: article_id}}
        select_permissions:
          - role: anonymous
            permission:
              columns: [id, title]
              filter: {published: {_eq: true}}
          - role: auditor
            permission:
              columns: [id]
              filter:
                _exists:
                  _table: {name: secret, schema: public}
                  _where: {value: {_eq: X-Hasura-Secret}}
          - role: user
            permission:
              columns: [id, author_id, title, content, views, published]
              filter: {author: {org: {_eq: X-Hasura-Org}}}
              limit: 2
              allow_aggregations: true
        update_permissions:
          - role: user
            permission:
              columns: [title, views]
              filter: {author: {org: {_eq: X-Hasura-Org}}}
              check: {views: {_lt: 1000}}
    """,
    "public_comment.yaml": """
        table: {name: comment, schema: public}
        object_relationships:
          - name: article
            using: {foreign_key_constraint_on: article_id}
        select_permissions:
          - role: user
            permission:
              columns: [id, article_id, body]
              filter: {article: {author: {org: {_eq: X-Hasura-Org}}}}
        delete_permissions:
          - role: user
            permission:
              filter: {article: {author: {org: {_eq: X-Hasura-Org}}}}
    """,
    "public_secret.yaml": """
        table: {name: secret, schema: public}
    """,
}


def write_metadata(
    directory: Path, tables: dict[str, str] = TABLES, actions_graphql: str = "", actions_yaml: str = ""
) -> Path:
    (directory / "databases" / "default" / "tables").mkdir(parents=True, exist_ok=True)
    (directory / "version.yaml").write_text("version: 3\n")
    (directory / "databases" / "databases.yaml").write_text(
        textwrap.dedent("""
        - name: default
          kind: postgres
          configuration:
            connection_info:
              database_url: {from_env: ENGINE_TEST_DATABASE_URL}
          tables: "!include default/tables/tables.yaml"
    """)
    )
    tdir = directory / "databases" / "default" / "tables"
    (tdir / "tables.yaml").write_text("".join(f'- "!include {name}"\n' for name in tables))
    for name, body in tables.items():
        (tdir / name).write_text(textwrap.dedent(body))
    (directory / "actions.graphql").write_text(actions_graphql)
    (directory / "actions.yaml").write_text(actions_yaml or "actions: []\ncustom_types: {}\n")
    return directory


async def new_database(pg_url: str, sql: str) -> str:
    name = f"engine_t_{os.getpid()}_{next(_counter)}"
    admin = await asyncpg.connect(pgserver.with_database(pg_url, "postgres"))
    try:
        await admin.execute(f'create database "{name}" template template0')
    finally:
        await admin.close()
    url = pgserver.with_database(pg_url, name)
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
    return url


async def drop_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")  # the URL may carry a socket directory in its query
    admin = await asyncpg.connect(pgserver.with_database(url, "postgres"))
    try:
        await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


def auth_config(unauthorized_role: str | None = "anonymous") -> AuthConfig:
    return AuthConfig(
        admin_secret=ADMIN_SECRET,
        jwt=JWTConfig.from_env(f'{{"type": "HS256", "key": "{JWT_KEY}"}}'),
        unauthorized_role=unauthorized_role,
    )


def token(role: str, allowed: list[str] | None = None, key: str = JWT_KEY, **claims: Any) -> str:
    payload: dict[str, Any] = {
        "sub": "u1",
        "https://hasura.io/jwt/claims": {
            "x-hasura-default-role": role,
            "x-hasura-allowed-roles": allowed or [role],
            **{f"x-hasura-{k.replace('_', '-')}": v for k, v in claims.items()},
        },
    }
    return jwt.encode(payload, key, algorithm="HS256")


class Client:
    """Posts GraphQL as a role: admin (secret), a JWT role with claims, or nobody."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        role: str | None = None,
        headers: dict[str, str] | None = None,
        admin: bool = False,
        **claims: Any,
    ) -> dict[str, Any]:
        h = dict(headers or {})
        if admin:
            h["x-hasura-admin-secret"] = ADMIN_SECRET
        elif role is not None:
            h["authorization"] = f"Bearer {token(role, **claims)}"
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        r = await self.http.post("/v1/graphql", json=body, headers=h)
        assert r.status_code == 200
        return r.json()

    async def admin_post(self, path: str, body: Any) -> httpx.Response:
        return await self.http.post(path, json=body, headers={"x-hasura-admin-secret": ADMIN_SECRET})


async def start_engine(url: str, metadata: Path, stringify: bool = False) -> tuple[Engine, httpx.AsyncClient]:
    os.environ["ENGINE_TEST_DATABASE_URL"] = url
    settings = Settings(
        metadata_dir=metadata, database_url=url, auth=auth_config(), stringify_numeric=stringify, pool_size=2
    )
    app = create_app(settings)
    engine: Engine = app.state.engine
    await engine.start()
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://engine")
    return engine, http


@pytest.fixture(scope="module")
def engine_db(pg_url: str) -> Iterator[str]:
    import asyncio

    url = asyncio.run(new_database(pg_url, SCHEMA))
    yield url
    asyncio.run(drop_database(url))


@pytest.fixture(scope="module")
async def client(engine_db: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Client]:
    meta = write_metadata(tmp_path_factory.mktemp("metadata"))
    engine, http = await start_engine(engine_db, meta)
    yield Client(http)
    await http.aclose()
    await engine.close()


@pytest.fixture
def gql(client: Client) -> Callable[..., Any]:
    return client.gql
