"""Validators for fields bureau staff fill in (here so that migrations can import them)."""

from django.core.validators import RegexValidator

# Office numbers are written many ways: 027-85551234, (027)85551234, 85551234转8001, 12345 …
validate_phone = RegexValidator(
    r"^[0-9０-９+()（）\-－\s、，,/转]{5,50}$",
    message="请输入有效的联系电话，如 027-85551234；多个号码用“、”分隔。",
)
