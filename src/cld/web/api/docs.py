"""The API's page: its OpenAPI description as a plain GOV.UK page, drawn on the server (no
script: Swagger UI failed the portal's accessibility checks)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

METHODS = ("get", "post", "put", "patch", "delete")


def type_of(schema: dict[str, Any]) -> str:
    """A schema's type in words: string, integer, list of SubmissionOut, string or null."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(type_of(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return "list of " + type_of(schema.get("items", {}))
    kind = str(schema.get("type", "any"))
    if "enum" in schema:
        return f"{kind}: " + ", ".join(str(v) for v in schema["enum"])
    return kind + (f" ({schema['format']})" if "format" in schema else "")


def fields(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """An object schema's properties: name, type, required, description."""
    required = set(schema.get("required", []))
    return [{"name": name, "type": type_of(p), "required": name in required,
             "description": p.get("description", "")}
            for name, p in schema.get("properties", {}).items()]


def endpoints(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Each operation of an OpenAPI description, in its order, ready to show."""
    out = []
    for path, ops in schema["paths"].items():
        for method in (m for m in METHODS if m in ops):
            op = ops[method]
            body = op.get("requestBody", {}).get("content", {})
            out.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""), "id": op.get("operationId", ""),
                "params": [{"name": p["name"], "in": p["in"], "type": type_of(p["schema"]),
                            "required": p.get("required", False),
                            "description": p.get("description", "")}
                           for p in op.get("parameters", [])],
                "body": [{"type": kind, "fields": fields(b.get("schema", {}))}
                         for kind, b in body.items()],
                "responses": [{"status": code, "description": r.get("description", ""),
                               "type": ", ".join(type_of(c.get("schema", {}))
                                                 for c in r.get("content", {}).values())}
                              for code, r in sorted(op.get("responses", {}).items())]})
    return out


class Docs(DocsBase):
    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        return render(request, "portal/api/docs.html", {
            "title": "API", "schema_url": self.get_openapi_url(api, kwargs),
            "endpoints": endpoints(schema),
            "schemas": {name: fields(s) for name, s in
                        schema.get("components", {}).get("schemas", {}).items()}})
