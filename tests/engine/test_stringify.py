"""HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES=true: bigint, numeric and float8 come back as strings."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .conftest import Client, start_engine, write_metadata


@pytest.fixture(scope="module")
async def strclient(engine_db: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Client]:
    engine, http = await start_engine(
        engine_db, write_metadata(tmp_path_factory.mktemp("md")), stringify=True
    )
    yield Client(http)
    await http.aclose()
    await engine.close()


async def test_numeric_types_are_strings(strclient):
    r = await strclient.gql("{ author_by_pk(id: 1) { id rating big } }", admin=True)
    assert r == {"data": {"author_by_pk": {"id": 1, "rating": "4.50", "big": "9007199254740993"}}}
    r = await strclient.gql(
        "{ article_aggregate { aggregate { count sum { views } max { views } } } }", admin=True
    )
    assert r["data"]["article_aggregate"]["aggregate"] == {
        "count": 6,
        "sum": {"views": "667"},
        "max": {"views": "300"},
    }
