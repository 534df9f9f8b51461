"""Errors raised by services, translated to problem+json by the HTTP adapter."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class FieldError:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class ServiceError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: list[FieldError] | None = None, **extra: Any):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.extra = extra


class InvalidInput(ServiceError):
    status = 422
    title = "Invalid input"


class NotFound(ServiceError):
    status = 404
    title = "Not found"


class Conflict(ServiceError):
    status = 409
    title = "Conflict"


class Forbidden(ServiceError):
    status = 403
    title = "Forbidden"
