"""The API's one shape of error: {"error": {"code": ..., "message": ...}}."""

from __future__ import annotations

from django.http import JsonResponse


def error(status: int, code: str, message: str) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="cld"'
    return response


def unauthorised() -> JsonResponse:
    return error(401, "unauthorised", "Send a valid API token: 'Authorization: Bearer "
                                      "<token>' (see `cld tokens new`)")


def forbidden() -> JsonResponse:
    return error(403, "forbidden", "This token's organisation may not do this")


def not_found() -> JsonResponse:
    return error(404, "not_found", "There is no such object")
