"""The one error type for bad user input."""

from __future__ import annotations


class InvalidSetting(ValueError):
    """A setting or construct property has a value outside its expected form.

    Carries the field name, the offending value and a description of the
    expected form, so the message tells the user exactly what to fix.
    """

    def __init__(self, field: str, value: object, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"invalid {field}: {value!r}; expected {expected}")
