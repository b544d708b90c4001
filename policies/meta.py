"""A model's own fields by name, for labels and forms (`_meta.get_field` may also answer a
reverse relation or a generic foreign key, which have neither)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models


def model_field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is a relation from another model, not a field")
    return field


def field_label(model: type[models.Model], name: str) -> str:
    """The field's verbose name, as forms and history show it."""
    return str(model_field(model, name).verbose_name)


def form_field(model: type[models.Model], name: str, **kwargs: Any) -> forms.Field:
    """The form field Django's ModelForm would make for the model field."""
    field = model_field(model, name).formfield(**kwargs)
    if field is None:
        raise TypeError(f"{model.__name__}.{name} is not editable in a form")
    return field
