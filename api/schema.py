"""OpenAPI generation: every operation documents the errors it can answer with, so clients (and
the schemathesis run in the tests) can rely on the schema for those too."""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "object", "description": "per-field messages of a 400"},
    },
    "required": ["detail"],
}
ERROR = OpenApiResponse(response=ERROR_SCHEMA, description="JSON error with a `detail`")

COMMON_ERRORS = {
    "400": "a query parameter or the body is invalid",
    "401": "the token given is invalid",
    "404": "no such object, or a page past the last",
    "429": "too many requests: see Retry-After",
    "503": "the database is briefly unavailable: see Retry-After",
}
BODY_ERRORS = {
    "413": "the body is larger than the server takes",
    "415": "the body is not JSON",
}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = dict(COMMON_ERRORS)
        if self.method in ("POST", "PUT", "PATCH"):
            errors.update(BODY_ERRORS)
        for code, description in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ERROR_SCHEMA, description=description), code
                )
        return responses
