"""The API description's registry: each package adds its section; a path or schema described twice is refused."""

import pytest

from core import openapi
from core.openapi import ApiSection, build_document, register_api_section


def _section(tag: str, path: str, schema: str):
    def describe() -> ApiSection:
        return ApiSection(tag=tag, description=f"{tag} things", paths={path: {"get": {"tags": [tag]}}},
                          schemas={schema: {"type": "object"}})
    return describe


@pytest.fixture
def sections(monkeypatch):
    monkeypatch.setattr(openapi, "API_SECTIONS", [])
    return openapi.API_SECTIONS


def test_each_registered_section_adds_its_tag_paths_and_schemas_once(sections):
    describe = _section("Parcels", "/api/v1/parcels", "Parcel")
    assert register_api_section(describe) is describe
    register_api_section(describe)
    document = build_document(info={"title": "T", "version": "1"}, server="https://council.example",
                              paths={"/api/v1/openapi.json": {"get": {}}})
    assert document["tags"] == [{"name": "Parcels", "description": "Parcels things"}]
    assert list(document["paths"]) == ["/api/v1/openapi.json", "/api/v1/parcels"]
    assert set(document["components"]["schemas"]) == {"Errors", "Parcel"}
    assert document["servers"] == [{"url": "https://council.example"}]


@pytest.mark.parametrize("path, schema", [("/api/v1/parcels", "Other"), ("/api/v1/other", "Parcel"),
                                          ("/api/v1/other", "Errors")])
def test_two_sections_cannot_describe_the_same_path_or_schema(sections, path, schema):
    register_api_section(_section("Parcels", "/api/v1/parcels", "Parcel"))
    register_api_section(_section("Boxes", path, schema))
    with pytest.raises(ValueError, match="The Boxes API section describes"):
        build_document(info={}, server="", paths={})


def test_an_operation_names_its_scope_under_the_key_scheme():
    assert openapi.scoped("contacts:write") == [{"apiKey": ["contacts:write"]}]
