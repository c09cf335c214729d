"""Every schema of the OpenAPI document has one name: two different models of the same class
name (e.g. `ReferenceIn` of two routers) would share one component, the later silently
replacing the earlier, and clients would be generated against the wrong body."""

import enum
import typing
from collections import defaultdict

from ninja import NinjaAPI, Router, Schema
from pydantic import BaseModel

from katalog.api.main import api


def component_name(model: type) -> str:
    # django-ninja keeps pydantic's names of `$defs`, the class name, for its components.
    return model.__name__


def nested_models(annotation: typing.Any) -> typing.Iterator[type]:
    """The models and enumerations an annotation refers to (through list, dict, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, (BaseModel, enum.Enum)):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from nested_models(argument)


def models_of_operation(operation: typing.Any) -> typing.Iterator[type]:
    """The models behind an operation's parameters, body and answers. ninja wraps them in
    models of its own (`QueryParams`, `NinjaResponseSchema`, …) that are never components."""
    answers = [model for model in operation.response_models.values() if model is not None]
    wrappers = [*operation.models, *answers]
    for wrapper in wrappers:
        for field in getattr(wrapper, "model_fields", {}).values():
            yield from nested_models(field.annotation)


def reachable_models(ninja_api: NinjaAPI) -> set[type]:
    """Every model of every router's operations, with the models its fields refer to."""
    pending = [
        model
        for _prefix, router in ninja_api._routers
        for path_operation in router.path_operations.values()
        for operation in path_operation.operations
        for model in models_of_operation(operation)
    ]
    seen: set[type] = set()
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        if issubclass(model, BaseModel):
            for field in model.model_fields.values():
                pending.extend(nested_models(field.annotation))
    return seen


def name_collisions(ninja_api: NinjaAPI) -> dict[str, list[str]]:
    """Component names claimed by more than one model, with the models' full names."""
    owners: dict[str, set[type]] = defaultdict(set)
    for model in reachable_models(ninja_api):
        owners[component_name(model)].add(model)
    return {
        name: sorted(f"{m.__module__}.{m.__qualname__}" for m in models)
        for name, models in owners.items()
        if len(models) > 1
    }


def test_no_two_models_share_a_component_name():
    assert name_collisions(api) == {}


def test_every_body_and_answer_model_is_a_component_of_the_document():
    # The names this test derives are the names ninja gives: each nested model is a component.
    components = set(api.get_openapi_schema()["components"]["schemas"])
    body_and_answers = {
        model
        for _prefix, router in api._routers
        for path_operation in router.path_operations.values()
        for operation in path_operation.operations
        for wrapper in operation.response_models.values()
        if wrapper is not None
        for field in wrapper.model_fields.values()
        for model in nested_models(field.annotation)
        if issubclass(model, BaseModel)
    }
    assert body_and_answers
    assert {component_name(m) for m in body_and_answers} <= components


def make_reference_in(module: str, field: str) -> type[Schema]:
    return type("ReferenceIn", (Schema,), {"__module__": module, "__annotations__": {field: str}})


def test_a_shared_name_of_two_routers_is_found():
    first = make_reference_in("routers.first", "number")
    second = make_reference_in("routers.second", "code")
    one, other = Router(), Router()

    @one.post("/one")
    def post_one(request, payload: first) -> None: ...

    @other.post("/other", response=list[second])
    def post_other(request) -> None: ...

    probe = NinjaAPI(urls_namespace="schema-names-probe")
    probe.add_router("/a", one)
    probe.add_router("/b", other)

    assert name_collisions(probe) == {
        "ReferenceIn": ["routers.first.ReferenceIn", "routers.second.ReferenceIn"]
    }
    # …and the document indeed keeps only one of them: the other's fields are lost.
    kept = probe.get_openapi_schema(path_prefix="")["components"]["schemas"]["ReferenceIn"]
    assert len(set(kept["properties"]) & {"number", "code"}) == 1
